using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Vigil.Observability;

// These types only describe POST /api/v1/events in the OpenAPI document; the endpoint itself parses the body with
// IngestBatch (it must report bad items one by one, which model binding cannot).

/// <summary>The body of <c>POST /api/v1/events</c>.</summary>
[Description("A batch of content events, at most 1000.")]
public sealed record IngestBatchRequest(
    [property: JsonPropertyName("events"), Description("The events; each is validated on its own.")] IReadOnlyList<IngestEventRequest> Events);

/// <summary>One content event of a batch.</summary>
[Description("One content event.")]
public sealed record IngestEventRequest(
    [property: JsonPropertyName("item_id"), Description("The platform's id for the item, 1-200 characters; unique per platform (resending it answers 'duplicate').")] string ItemId,
    [property: JsonPropertyName("type"), Description("post, comment, direct_message, image, profile_update or account.")] string Type,
    [property: JsonPropertyName("account_id"), Description("The platform's id of the account that posted it, 1-200 characters.")] string AccountId,
    [property: JsonPropertyName("created_at"), Description("When it was posted: ISO 8601 with an offset.")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("text"), Description("The text body.")] string? Text = null,
    [property: JsonPropertyName("e2ee"), Description("True for an end-to-end-encrypted direct message: metadata only, a body is refused.")] bool? E2ee = null,
    [property: JsonPropertyName("image_base64"), Description("For type image: the image bytes in base64 (standard or URL-safe).")] string? ImageBase64 = null,
    [property: JsonPropertyName("metadata"), Description("Any JSON object, stored as given.")] IReadOnlyDictionary<string, object?>? Metadata = null);

/// <summary>The answer to a batch: one result per event, in order.</summary>
[Description("One result per event, in the order sent.")]
public sealed record IngestBatchResponse(
    [property: JsonPropertyName("results")] IReadOnlyList<IngestEventResult> Results);

/// <summary>The outcome of one event.</summary>
public sealed record IngestEventResult(
    [property: JsonPropertyName("index"), Description("The event's position in the batch, from 0.")] int Index,
    [property: JsonPropertyName("item_id"), Description("The event's item_id, when it had a readable one.")] string? ItemId,
    [property: JsonPropertyName("status"), Description("accepted: stored and committed; duplicate: already stored; rejected: see reason.")] IngestEventStatus Status,
    [property: JsonPropertyName("reason"), Description("Why the event was rejected (field and problem).")] string? Reason);

/// <summary>What happened to one event.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IngestEventStatus>))]
public enum IngestEventStatus
{
    [JsonStringEnumMemberName("accepted")]
    Accepted,

    [JsonStringEnumMemberName("duplicate")]
    Duplicate,

    [JsonStringEnumMemberName("rejected")]
    Rejected,
}
