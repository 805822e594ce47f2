using System.Globalization;

namespace Vigil.Hi1;

/// <summary>One RequestValue: FormatType owner and name, and the value.</summary>
public sealed record Hi1Value(string Owner, string Format, string Value);

/// <summary>One LDTaskObject to create.</summary>
public sealed record Hi1TaskSpec(string? RequestType, DateTimeOffset? Start, DateTimeOffset? End, IReadOnlyList<Hi1Value> Values)
{
    public string ObjectId { get; init; } = Guid.NewGuid().ToString();
}

/// <summary>An order to send over HI-1 (what an authority's system fills in).</summary>
public sealed record Hi1OrderSpec(string Country, string Sender, string LegalType, string Reference, IReadOnlyList<Hi1TaskSpec> Tasks)
{
    public string ObjectId { get; init; } = Guid.NewGuid().ToString();

    public bool Emergency { get; init; }

    public bool NotUsPerson { get; init; }

    public string? EnforcingAuthority { get; init; }

    public DateTimeOffset? UserNoticeNotBefore { get; init; }

    public DateTimeOffset? AuthorisedFrom { get; init; }

    public DateTimeOffset? AuthorisedTo { get; init; }

    /// <summary>The order document (e.g. a signed PDF); null sends none.</summary>
    public byte[]? Document { get; init; }

    public string DocumentContentType { get; init; } = "application/pdf";
}

/// <summary>
/// Builds HI-1 request messages (CREATE, GET, LIST) as trees that <see cref="Hi1Codec"/> writes in either encoding;
/// the client side used by tests, the benchmark and the demo.
/// </summary>
public static class Hi1Requests
{
    /// <summary>A CREATE of the AuthorisationObject, its tasks and its document, in one message.</summary>
    public static Hi1Node Create(Hi1OrderSpec spec, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (root, actions) = Message(spec.Country, spec.Sender, now);
        int id = 0;
        var auth = CreateAction(actions, id++, "AuthorisationObject", Hi1Codec.AuthorisationNamespace, spec.ObjectId, spec.Country, spec.Sender);
        auth.Add("auth:AuthorisationReference", spec.Reference);
        Dictionary(auth.Add("auth:AuthorisationLegalType"), spec.Country, "LegalType", spec.LegalType);
        Dictionary(auth.Add("auth:AuthorisationPriority"), "ETSI", "AuthorisationPriority", spec.Emergency ? "Emergency" : "Normal");
        if (spec.NotUsPerson)
        {
            Dictionary(auth.Add("auth:AuthorisationFlags").Add("auth:AuthorisationFlag"), Hi1Mappings.VigilOwner, "AuthorisationFlag", "NotUSPerson");
        }
        if (spec.AuthorisedFrom is not null || spec.AuthorisedTo is not null)
        {
            var span = auth.Add("auth:AuthorisationTimespan");
            if (spec.AuthorisedFrom is { } f)
            {
                span.Add("auth:StartTime", Hi1Responses.Time(f));
            }
            if (spec.AuthorisedTo is { } t)
            {
                span.Add("auth:EndTime", Hi1Responses.Time(t));
            }
        }
        if (spec.EnforcingAuthority is { } enforcing)
        {
            auth.Add("auth:EnforcingAuthority").Add("UniqueIdentifier", enforcing);
        }
        if (spec.UserNoticeNotBefore is { } notice)
        {
            auth.Add("auth:UserNoticeNotBefore", Hi1Responses.Time(notice));
        }
        foreach (var t in spec.Tasks)
        {
            var task = CreateAction(actions, id++, "LDTaskObject", Hi1Codec.TaskNamespace, t.ObjectId, spec.Country, spec.Sender);
            task.Add("AssociatedObjects").Add("AssociatedObject", spec.ObjectId);
            task.Add("task:Reference", $"LDID-{spec.Reference}-{id}");
            var details = task.Add("task:RequestDetails");
            if (t.RequestType is not null)
            {
                Dictionary(details.Add("task:Type"), "ETSI", "RequestType", t.RequestType);
            }
            if (t.Start is { } s)
            {
                details.Add("task:StartTime", Hi1Responses.Time(s));
            }
            if (t.End is { } e)
            {
                details.Add("task:EndTime", Hi1Responses.Time(e));
            }
            var values = details.Add("task:RequestValues");
            foreach (var v in t.Values)
            {
                var rv = values.Add("task:RequestValue");
                var format = rv.Add("task:FormatType");
                format.Add("task:FormatOwner", v.Owner);
                format.Add("task:FormatName", v.Format);
                rv.Add("task:Value", v.Value);
            }
        }
        if (spec.Document is { } document)
        {
            var doc = CreateAction(actions, id, "DocumentObject", Hi1Codec.DocumentNamespace, Guid.NewGuid().ToString(), spec.Country, spec.Sender);
            doc.Add("AssociatedObjects").Add("AssociatedObject", spec.ObjectId);
            doc.Add("doc:DocumentReference", spec.Reference + "-signed");
            Dictionary(doc.Add("doc:DocumentType"), "ETSI", "DocumentType", "Warrant");
            var body = doc.Add("doc:DocumentBody");
            body.Add("doc:Contents", Convert.ToBase64String(document));
            body.Add("doc:ContentType", spec.DocumentContentType);
        }
        return root;
    }

    /// <summary>A GET of one object by its ObjectIdentifier.</summary>
    public static Hi1Node Get(string country, string sender, string objectId, DateTimeOffset now)
    {
        var (root, actions) = Message(country, sender, now);
        var a = actions.Add("ActionRequest");
        a.Add("ActionIdentifier", "0");
        a.Add("GET").Add("Identifier", objectId);
        return root;
    }

    /// <summary>A LIST of the sender's orders (or, with <paramref name="objectType"/> naming LDTaskObject, tasks).</summary>
    public static Hi1Node List(string country, string sender, DateTimeOffset now, string? objectType = null)
    {
        var (root, actions) = Message(country, sender, now);
        var a = actions.Add("ActionRequest");
        a.Add("ActionIdentifier", "0");
        var list = a.Add("LIST");
        if (objectType is not null)
        {
            list.Add("ObjectType", objectType);
        }
        return root;
    }

    private static (Hi1Node Root, Hi1Node Actions) Message(string country, string sender, DateTimeOffset now)
    {
        var root = new Hi1Node("HI1Message", "");
        var header = root.Add("Header");
        var s = header.Add("SenderIdentifier");
        s.Add("CountryCode", country);
        s.Add("UniqueIdentifier", sender);
        var r = header.Add("ReceiverIdentifier");
        r.Add("CountryCode", "IE");
        r.Add("UniqueIdentifier", "VIGIL");
        header.Add("TransactionIdentifier", Guid.NewGuid().ToString());
        header.Add("Timestamp", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        header.Add("Version").Add("ETSIVersion", Hi1Responses.EtsiVersion);
        var actions = root.Add("Payload").Add("RequestPayload").Add("ActionRequests");
        return (root, actions);
    }

    private static Hi1Node CreateAction(Hi1Node actions, int id, string type, string ns, string objectId, string country, string sender)
    {
        var a = actions.Add("ActionRequest");
        a.Add("ActionIdentifier", id.ToString(CultureInfo.InvariantCulture));
        var o = a.Add("CREATE").Add("HI1Object");
        o.Type = type;
        o.TypeNamespace = ns;
        o.Add("ObjectIdentifier", objectId);
        o.Add("CountryCode", country);
        o.Add("OwnerIdentifier", sender);
        return o;
    }

    private static void Dictionary(Hi1Node n, string owner, string name, string value)
    {
        n.Add("common:Owner", owner);
        n.Add("common:Name", name);
        n.Add("common:Value", value);
    }
}
