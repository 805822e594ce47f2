using System.Globalization;
using System.Security.Cryptography;
using Vigil.Authorities;
using Vigil.Orders;

namespace Vigil.Hi1;

/// <summary>One field error of an action: the HI-1 ActionIdentifier, the field, a stable code and a message.</summary>
public sealed record Hi1FieldError(int ActionId, string Field, string Code, string Message);

/// <summary>The order that the CREATE actions of one message describe, with the errors found while reading it.</summary>
public sealed class Hi1OrderDraft
{
    public required LegalOrder Order { get; init; }

    public List<Hi1FieldError> Errors { get; } = [];

    /// <summary>The CREATE actions and the ObjectIdentifier each one created.</summary>
    public Dictionary<int, string> ObjectIds { get; } = [];

    /// <summary>ActionIdentifier of the AuthorisationObject (errors not tied to a task land there).</summary>
    public int AuthorisationAction { get; set; } = -1;

    /// <summary>ActionIdentifier of each task, in <see cref="LegalOrder.Tasks"/> order.</summary>
    public List<int> TaskActions { get; } = [];
}

/// <summary>
/// Maps the CREATE actions of a message (one AuthorisationObject, its LDTaskObjects and DocumentObjects) onto a
/// <see cref="LegalOrder"/>, through the tables in <see cref="Hi1Mappings"/>. Then <see cref="OrderValidation"/>
/// checks it; both kinds of errors come back per action.
/// </summary>
public static class Hi1OrderReader
{
    /// <summary>Builds the draft order; <paramref name="creates"/> are the message's CREATE actions.</summary>
    public static Hi1OrderDraft Read(Hi1Message message, IReadOnlyList<Hi1Action> creates, Authority authority, string keyId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(creates);
        ArgumentNullException.ThrowIfNull(authority);
        var order = new LegalOrder
        {
            AuthorityId = authority.Id,
            Reference = "",
            Hi1TransactionId = message.Header.TransactionId,
            Channel = message.Encoding == Hi1Encoding.Xml ? OrderChannel.Hi1Xml : OrderChannel.Hi1Json,
            State = OrderState.Received,
            SubmittedBy = keyId,
            ReceivedAt = now,
            UpdatedAt = now,
        };
        var draft = new Hi1OrderDraft { Order = order };
        var auths = creates.Where(a => a.Body!.Type == "AuthorisationObject").ToList();
        if (auths.Count != 1)
        {
            foreach (var a in creates)
            {
                draft.Errors.Add(new(a.Id, "HI1Object", auths.Count == 0 ? "authorisation_required" : "one_authorisation_per_message",
                    auths.Count == 0 ? "a CREATE needs an AuthorisationObject in the same message" : "one message creates one AuthorisationObject (one order)"));
            }
            return draft;
        }
        var auth = auths[0];
        draft.AuthorisationAction = auth.Id;
        ReadAuthorisation(auth, message.Header, order, draft);
        var authId = order.Hi1ObjectId;
        foreach (var a in creates.Where(a => a != auth))
        {
            var o = a.Body!;
            if (!CheckCommon(a, message.Header, draft))
            {
                continue;
            }
            var associated = o.Child("AssociatedObjects")?.All("AssociatedObject").Select(x => x.Text?.Trim()).ToList() ?? [];
            if (authId is not null && !associated.Contains(authId, StringComparer.OrdinalIgnoreCase))
            {
                draft.Errors.Add(new(a.Id, "AssociatedObjects", "association_missing", $"the object must name the AuthorisationObject {authId} in AssociatedObjects"));
            }
            switch (o.Type)
            {
                case "LDTaskObject" when o.TypeNamespace == Hi1Codec.TaskNamespace:
                    draft.TaskActions.Add(a.Id);
                    order.Tasks.Add(ReadTask(a, order.Instrument, draft));
                    break;
                case "DocumentObject" when o.TypeNamespace == Hi1Codec.DocumentNamespace:
                    if (ReadDocument(a, now, draft) is { } doc)
                    {
                        order.Documents.Add(doc);
                    }
                    break;
                default:
                    draft.Errors.Add(new(a.Id, "HI1Object@xsi:type", "object_type_unsupported",
                        $"{o.Type} is not supported (AuthorisationObject, LDTaskObject and DocumentObject are)"));
                    break;
            }
        }
        return draft;
    }

    /// <summary>Maps validation errors onto the actions they belong to (tasks[i] to the i-th task's action).</summary>
    public static void AddValidationErrors(Hi1OrderDraft draft, IReadOnlyList<OrderError> errors)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var e in errors)
        {
            int action = draft.AuthorisationAction;
            if (e.Field.StartsWith("tasks[", StringComparison.Ordinal)
                && int.TryParse(e.Field.AsSpan(6, e.Field.IndexOf(']', StringComparison.Ordinal) - 6), NumberStyles.None, CultureInfo.InvariantCulture, out var i)
                && i < draft.TaskActions.Count)
            {
                action = draft.TaskActions[i];
            }
            draft.Errors.Add(new(action, e.Field, e.Code, e.Message));
        }
    }

    private static bool CheckCommon(Hi1Action a, Hi1Header header, Hi1OrderDraft draft)
    {
        var o = a.Body!;
        var id = o.TextOf("ObjectIdentifier");
        if (id is null || id.Length > 64 || !Guid.TryParse(id, out _))
        {
            draft.Errors.Add(new(a.Id, "ObjectIdentifier", id is null ? "required" : "object_identifier_invalid", "ObjectIdentifier must be a UUID"));
            return false;
        }
        draft.ObjectIds[a.Id] = id.ToLowerInvariant();
        if (o.TextOf("OwnerIdentifier") is { } owner && !string.Equals(owner, header.SenderId, StringComparison.Ordinal))
        {
            draft.Errors.Add(new(a.Id, "OwnerIdentifier", "owner_mismatch", "OwnerIdentifier must be the sender's UniqueIdentifier"));
        }
        if (o.TextOf("CountryCode") is { } cc && !string.Equals(cc, header.SenderCountry, StringComparison.Ordinal))
        {
            draft.Errors.Add(new(a.Id, "CountryCode", "owner_mismatch", "CountryCode must be the sender's CountryCode"));
        }
        return true;
    }

    private static void ReadAuthorisation(Hi1Action a, Hi1Header header, LegalOrder order, Hi1OrderDraft draft)
    {
        var o = a.Body!;
        if (o.TypeNamespace != Hi1Codec.AuthorisationNamespace)
        {
            draft.Errors.Add(new(a.Id, "HI1Object@xsi:type", "object_type_unsupported", "AuthorisationObject must be in the Authorisation namespace"));
        }
        if (CheckCommon(a, header, draft))
        {
            order.Hi1ObjectId = draft.ObjectIds[a.Id];
        }
        var reference = o.TextOf("AuthorisationReference") ?? "";
        if (reference.Length > 256)
        {
            draft.Errors.Add(new(a.Id, "auth:AuthorisationReference", "too_long", "at most 256 characters"));
            reference = reference[..256];
        }
        order.Reference = reference;
        var legalType = o.Child("AuthorisationLegalType")?.TextOf("Value");
        if (legalType is null)
        {
            draft.Errors.Add(new(a.Id, "auth:AuthorisationLegalType", "required", "the legal type (instrument) is required"));
        }
        else if (Hi1Mappings.LegalTypes.TryGetValue(legalType, out var instrument))
        {
            order.Instrument = instrument;
        }
        else
        {
            draft.Errors.Add(new(a.Id, "auth:AuthorisationLegalType", "legal_type_unknown", $"legal type '{Hi1Codec.Cut(legalType)}' is not one Vigil maps to an instrument (docs/hi1.md)"));
        }
        var priority = o.Child("AuthorisationPriority")?.TextOf("Value");
        var flags = o.Child("AuthorisationFlags")?.All("AuthorisationFlag").Select(f => f.TextOf("Value")).OfType<string>().ToList() ?? [];
        order.Emergency = string.Equals(priority, "Emergency", StringComparison.OrdinalIgnoreCase) || flags.Contains("IsEmergency", StringComparer.OrdinalIgnoreCase);
        order.NotUsPersonAttested = flags.Contains("NotUSPerson", StringComparer.OrdinalIgnoreCase);
        if (o.Child("AuthorisationTimespan") is { } span)
        {
            order.AuthorisedFrom = Time(a, span, "StartTime", "auth:AuthorisationTimespan.auth:StartTime", draft);
            order.AuthorisedTo = Time(a, span, "EndTime", "auth:AuthorisationTimespan.auth:EndTime", draft);
        }
        if (o.Child("EnforcingAuthority") is { } enforcing)
        {
            var name = enforcing.TextOf("UniqueIdentifier") ?? enforcing.Text?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 256)
            {
                draft.Errors.Add(new(a.Id, "auth:EnforcingAuthority", "field_invalid", "the enforcing authority's UniqueIdentifier (1-256 characters) is required when the element is given"));
            }
            else
            {
                order.EnforcingAuthority = enforcing.TextOf("CountryCode") is { } cc ? $"{cc}:{name}" : name;
            }
        }
        if (o.Child("UserNoticeNotBefore") is not null)
        {
            order.UserNoticeNotBefore = Time(a, o, "UserNoticeNotBefore", "auth:UserNoticeNotBefore", draft);
        }
        if (o.Child("UserNoticeDelayed") is not null && order.UserNoticeNotBefore is null)
        {
            draft.Errors.Add(new(a.Id, "auth:UserNoticeNotBefore", "required", "delayed user information needs the date before which the user may not be told"));
        }
    }

    private static OrderTask ReadTask(Hi1Action a, LegalInstrument instrument, Hi1OrderDraft draft)
    {
        var o = a.Body!;
        var rules = InstrumentRules.For(instrument);
        var task = new OrderTask
        {
            Hi1ObjectId = draft.ObjectIds[a.Id],
            Reference = o.TextOf("Reference") is { Length: <= 256 } r ? r : null,
            Kind = rules.Removes ? TaskKind.Removal : instrument == LegalInstrument.EuPreservationOrder ? TaskKind.Preservation : TaskKind.Disclosure,
            Decision = TaskDecision.Pending,
        };
        var details = o.Child("RequestDetails");
        if (details is null)
        {
            draft.Errors.Add(new(a.Id, "task:RequestDetails", "required", "an LDTaskObject needs RequestDetails"));
            return task;
        }
        var type = details.Child("Type")?.TextOf("Value");
        if (type is not null)
        {
            task.Category = Hi1Mappings.Category(type);
            if (task.Category is null)
            {
                draft.Errors.Add(new(a.Id, "task:RequestDetails.task:Type", "request_type_unknown",
                    $"'{Hi1Codec.Cut(type)}' is not SubscriberData, UserIdentifyingData, TrafficData or StoredContentData"));
            }
        }
        if (details.Child("StartTime") is not null)
        {
            task.StartTime = Time(a, details, "StartTime", "task:RequestDetails.task:StartTime", draft);
        }
        if (details.Child("EndTime") is not null)
        {
            task.EndTime = Time(a, details, "EndTime", "task:RequestDetails.task:EndTime", draft);
        }
        int i = 0;
        foreach (var v in details.Child("RequestValues")?.All("RequestValue") ?? [])
        {
            var field = $"task:RequestDetails.task:RequestValues[{i++}]";
            var format = v.Child("FormatType");
            var owner = format?.TextOf("FormatOwner") ?? "";
            var name = format?.TextOf("FormatName") ?? "";
            if (!Hi1Mappings.Formats.TryGetValue((owner, name), out var kind))
            {
                draft.Errors.Add(new(a.Id, field + ".task:FormatType", "format_unknown", $"FormatType {Hi1Codec.Cut(owner)}/{Hi1Codec.Cut(name)} is not supported (docs/hi1.md)"));
                continue;
            }
            var value = v.Child("Value")?.Text ?? "";
            int? port = null;
            if (Hi1Mappings.IsPortFormat(name) && !SplitPort(value, out value, out port))
            {
                draft.Errors.Add(new(a.Id, field + ".task:Value", "invalid_port", "expected address:port (IPv6 as [address]:port)"));
                continue;
            }
            task.Selectors.Add(new OrderSelector { Kind = kind, Value = value, Port = port });
        }
        return task;
    }

    private static bool SplitPort(string raw, out string address, out int? port)
    {
        raw = raw.Trim();
        address = raw;
        port = null;
        int colon = raw.LastIndexOf(':');
        if (colon <= 0 || raw.StartsWith('[') != raw[..colon].EndsWith(']')
            || !int.TryParse(raw.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
        {
            return false;
        }
        address = raw[..colon].Trim('[', ']');
        port = p;
        return true;
    }

    private static OrderDocument? ReadDocument(Hi1Action a, DateTimeOffset now, Hi1OrderDraft draft)
    {
        var o = a.Body!;
        var body = o.Child("DocumentBody");
        var contents = body?.TextOf("Contents");
        var contentType = body?.TextOf("ContentType") ?? "application/octet-stream";
        if (contents is null)
        {
            draft.Errors.Add(new(a.Id, "doc:DocumentBody.doc:Contents", "required", "the document's base64 contents are required"));
            return null;
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(contents);
        }
        catch (FormatException)
        {
            draft.Errors.Add(new(a.Id, "doc:DocumentBody.doc:Contents", "document_invalid", "the contents are not base64"));
            return null;
        }
        if (contentType.Length > 128)
        {
            draft.Errors.Add(new(a.Id, "doc:DocumentBody.doc:ContentType", "too_long", "at most 128 characters"));
            return null;
        }
        return new OrderDocument
        {
            Hi1ObjectId = draft.ObjectIds[a.Id],
            Reference = o.TextOf("DocumentReference") is { Length: <= 256 } r ? r : draft.ObjectIds[a.Id],
            DocumentType = o.Child("DocumentType")?.TextOf("Value") is { Length: <= 64 } t ? t : "Unspecified",
            ContentType = contentType,
            Content = bytes,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            ReceivedAt = now,
        };
    }

    private static DateTimeOffset? Time(Hi1Action a, Hi1Node parent, string name, string field, Hi1OrderDraft draft)
    {
        var n = parent.Child(name);
        if (n is null)
        {
            return null;
        }
        try
        {
            return Hi1MessageReader.ParseTime(n, field);
        }
        catch (Hi1Exception e)
        {
            draft.Errors.Add(new(a.Id, field, e.Code, e.Message));
            return null;
        }
    }
}
