using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Vigil.Storage;

namespace Vigil.Moderation;

/// <summary>
/// Statements of reasons in the EU DSA Transparency Database API submission format (one statement per action
/// decision on a flag case), in batches of at most <see cref="BatchSize"/> for the multiple-statements endpoint.
/// </summary>
public static class DsaExport
{
    /// <summary>The multiple-statements endpoint takes at most 100 statements per call.</summary>
    public const int BatchSize = 100;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Action decisions on flag cases decided in [from, to), oldest first, as statements.</summary>
    public static async Task<IReadOnlyList<Dictionary<string, object?>>> StatementsAsync(VigilDb db, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        string[] actions = [DecisionOutcomes.Remove, DecisionOutcomes.RestrictVisibility, DecisionOutcomes.AgeRestrict, DecisionOutcomes.Label, DecisionOutcomes.SuspendAccount];
        var decisions = await db.ModerationDecisions.AsNoTracking()
            .Where(d => d.CaseKind == ReviewCaseKind.Flag && d.DecidedAt >= from && d.DecidedAt < to && actions.Contains(d.Outcome))
            .OrderBy(d => d.DecidedAt).ThenBy(d => d.Id).ToListAsync(ct);
        return [.. decisions.Select(Statement)];
    }

    /// <summary>Groups statements into <c>{"statements":[...]}</c> bodies of at most 100.</summary>
    public static IReadOnlyList<object> Batches(IReadOnlyList<Dictionary<string, object?>> statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        return [.. statements.Chunk(BatchSize).Select(c => new { statements = c })];
    }

    /// <summary>The export document: the batches, ready to POST one by one.</summary>
    public static string Serialize(IReadOnlyList<Dictionary<string, object?>> statements) =>
        JsonSerializer.Serialize(new { batches = Batches(statements) }, Json);

    /// <summary>One decision as a statement of reasons.</summary>
    public static Dictionary<string, object?> Statement(ModerationDecision d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var s = new Dictionary<string, object?>(StringComparer.Ordinal);
        string? visibility = d.Outcome switch
        {
            DecisionOutcomes.Remove => "DECISION_VISIBILITY_CONTENT_REMOVED",
            DecisionOutcomes.RestrictVisibility => "DECISION_VISIBILITY_CONTENT_DEMOTED",
            DecisionOutcomes.AgeRestrict => "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
            DecisionOutcomes.Label => "DECISION_VISIBILITY_CONTENT_LABELLED",
            _ => null,
        };
        if (visibility is not null)
        {
            s["decision_visibility"] = new[] { visibility };
        }
        if (d.Outcome == DecisionOutcomes.SuspendAccount)
        {
            s["decision_account"] = "DECISION_ACCOUNT_SUSPENDED";
        }
        if (d.Ground == "illegal")
        {
            s["decision_ground"] = "DECISION_GROUND_ILLEGAL_CONTENT";
            s["illegal_content_legal_ground"] = Cut(d.GroundReference, 500);
            s["illegal_content_explanation"] = Cut(d.Facts, 2000);
        }
        else
        {
            s["decision_ground"] = "DECISION_GROUND_INCOMPATIBLE_CONTENT";
            s["incompatible_content_ground"] = Cut(d.GroundReference, 500);
            s["incompatible_content_explanation"] = Cut(d.Facts, 2000);
        }
        s["content_type"] = d.ContentType.Split(',').Select(t => "CONTENT_TYPE_" + t.ToUpperInvariant()).ToArray();
        s["category"] = d.Category;
        s["territorial_scope"] = d.TerritorialScope == "EU" ? ModerationDesk.EuCountries.Order(StringComparer.Ordinal).ToArray() : d.TerritorialScope.Split(',');
        s["content_date"] = d.ContentDate.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        s["application_date"] = d.DecidedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        s["decision_facts"] = Cut(d.Facts, 5000);
        // Vigil's flags come from the platform's own detection rules, not from notices.
        s["source_type"] = "SOURCE_VOLUNTARY";
        s["automated_detection"] = d.AutomatedDetection ? "Yes" : "No";
        s["automated_decision"] = d.AutomatedDecision switch
        {
            "full" => "AUTOMATED_DECISION_FULLY",
            "partial" => "AUTOMATED_DECISION_PARTIALLY",
            _ => "AUTOMATED_DECISION_NOT_AUTOMATED",
        };
        // Unique per statement and limited to [A-Za-z0-9_-]: the platform and the decision id.
        s["puid"] = string.Create(CultureInfo.InvariantCulture, $"vigil-p{d.PlatformId}-d{d.Id}");
        return s;
    }

    private static string Cut(string s, int n) => s.Length <= n ? s : s[..n];
}
