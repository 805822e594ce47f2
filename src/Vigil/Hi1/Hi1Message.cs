using System.Globalization;

namespace Vigil.Hi1;

/// <summary>HI-1 message header: who sent it (the authority's code), to whom, and the transaction.</summary>
public sealed record Hi1Header(string SenderCountry, string SenderId, string? ReceiverCountry, string? ReceiverId, string TransactionId, DateTimeOffset? Timestamp);

/// <summary>The HI-1 actions Vigil supports.</summary>
public enum Hi1Verb
{
    Create,
    Get,
    List,

    /// <summary>Any other action (UPDATE, DELIVER, ...): answered with an error for that action only.</summary>
    Unsupported,
}

/// <summary>One ActionRequest: CREATE carries <see cref="Body"/>, GET an <see cref="Identifier"/>, LIST an optional object type.</summary>
public sealed record Hi1Action(int Id, Hi1Verb Verb, Hi1Node? Body, string? Identifier, string? ObjectType, string VerbName);

/// <summary>A parsed HI-1 request message.</summary>
public sealed record Hi1Message(Hi1Header Header, IReadOnlyList<Hi1Action> Actions, Hi1Encoding Encoding);

/// <summary>Reads the header and the ActionRequests of an HI-1 message tree; the objects are mapped by <see cref="Hi1OrderReader"/>.</summary>
public static class Hi1MessageReader
{
    public const int MaxActions = 200;

    public static Hi1Message Read(Hi1Node root, Hi1Encoding encoding)
    {
        ArgumentNullException.ThrowIfNull(root);
        var header = root.Child("Header") ?? throw Missing("Header", root);
        var sender = header.Child("SenderIdentifier") ?? throw Missing("Header.SenderIdentifier", header);
        var senderId = sender.TextOf("UniqueIdentifier") ?? throw Missing("Header.SenderIdentifier.UniqueIdentifier", sender);
        var senderCountry = sender.TextOf("CountryCode") ?? throw Missing("Header.SenderIdentifier.CountryCode", sender);
        var receiver = header.Child("ReceiverIdentifier");
        var transaction = header.TextOf("TransactionIdentifier") ?? throw Missing("Header.TransactionIdentifier", header);
        if (transaction.Length > 64)
        {
            throw Hi1Exception.Malformed("field_invalid", $"Header.TransactionIdentifier is longer than 64 characters ({header.Location})");
        }
        DateTimeOffset? timestamp = null;
        if (header.Child("Timestamp") is { } ts)
        {
            timestamp = ParseTime(ts, "Header.Timestamp");
        }
        var h = new Hi1Header(senderCountry, senderId, receiver?.TextOf("CountryCode"), receiver?.TextOf("UniqueIdentifier"), transaction, timestamp);

        var requests = root.Child("Payload")?.Child("RequestPayload")?.Child("ActionRequests")
            ?? throw Hi1Exception.Malformed("field_missing", "Payload.RequestPayload.ActionRequests is required (Vigil answers requests only)");
        var actions = new List<Hi1Action>();
        var ids = new HashSet<int>();
        foreach (var a in requests.All("ActionRequest"))
        {
            if (actions.Count == MaxActions)
            {
                throw Hi1Exception.Malformed("too_many_actions", $"at most {MaxActions} ActionRequests per message");
            }
            if (!int.TryParse(a.TextOf("ActionIdentifier"), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw Hi1Exception.Malformed("field_invalid", $"ActionIdentifier must be a non-negative integer ({a.Location})");
            }
            if (!ids.Add(id))
            {
                throw Hi1Exception.Malformed("field_invalid", $"ActionIdentifier {id} is used twice ({a.Location})");
            }
            var verb = a.Children.FirstOrDefault(c => c.Name != "ActionIdentifier")
                ?? throw Hi1Exception.Malformed("field_missing", $"ActionRequest {id} names no action ({a.Location})");
            actions.Add(verb.Name switch
            {
                "CREATE" => new Hi1Action(id, Hi1Verb.Create, verb.Child("HI1Object") ?? throw Missing($"ActionRequest {id} CREATE.HI1Object", verb), null, null, verb.Name),
                "GET" => new Hi1Action(id, Hi1Verb.Get, null, verb.TextOf("Identifier") ?? throw Missing($"ActionRequest {id} GET.Identifier", verb), null, verb.Name),
                "LIST" => new Hi1Action(id, Hi1Verb.List, null, null, verb.TextOf("ObjectType"), verb.Name),
                _ => new Hi1Action(id, Hi1Verb.Unsupported, null, null, null, verb.Name),
            });
        }
        if (actions.Count == 0)
        {
            throw Hi1Exception.Malformed("field_missing", "the message has no ActionRequest");
        }
        return new Hi1Message(h, actions, encoding);
    }

    /// <summary>An xsd:dateTime with a zone (Z or an offset); a time without one is ambiguous and refused.</summary>
    public static DateTimeOffset ParseTime(Hi1Node node, string field)
    {
        var t = node.Text?.Trim();
        if (string.IsNullOrEmpty(t)
            || !(t.EndsWith('Z') || t.Length > 6 && (t[^6] is '+' or '-') && t[^3] == ':')
            || !DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var v))
        {
            throw Hi1Exception.Malformed("time_invalid", $"{field} must be an xsd:dateTime with a zone, e.g. 2026-11-27T09:00:00Z ({node.Location})");
        }
        return v.ToUniversalTime();
    }

    private static Hi1Exception Missing(string field, Hi1Node near) =>
        Hi1Exception.Malformed("field_missing", $"{field} is required (near {near.Location})");
}
