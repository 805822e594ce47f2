using Vigil.Storage;

namespace Vigil.Moderation;

/// <summary>What the pipeline (or a person) asks the review queue for.</summary>
public sealed record ReviewRequest(long PlatformId, long IngestItemId, string? Queue, double Priority, string? RuleId, string Reason);

/// <summary>Puts items in front of moderators.</summary>
public static class ReviewQueue
{
    public const string DefaultQueue = "default";

    /// <summary>
    /// Adds an open flag case to <paramref name="db"/> without saving, so the caller stores it in the same
    /// transaction as the decision that asked for it.
    /// </summary>
    public static ReviewCase Enqueue(VigilDb db, ReviewRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var c = new ReviewCase
        {
            PlatformId = request.PlatformId,
            IngestItemId = request.IngestItemId,
            Kind = ReviewCaseKind.Flag,
            State = ReviewCaseState.Open,
            Queue = string.IsNullOrWhiteSpace(request.Queue) ? DefaultQueue : request.Queue,
            Priority = request.Priority,
            RuleId = request.RuleId,
            Reason = request.Reason,
            CreatedAt = now,
        };
        db.ReviewCases.Add(c);
        return c;
    }
}
