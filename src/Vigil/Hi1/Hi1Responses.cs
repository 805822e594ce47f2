using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vigil.Authorities;
using Vigil.Disclosure;
using Vigil.Orders;

namespace Vigil.Hi1;

/// <summary>Builds HI-1 ResponsePayload trees (written as JSON or XML by <see cref="Hi1Codec"/>).</summary>
public static class Hi1Responses
{
    public const string EtsiVersion = "V1.22.1";

    /// <summary>The message around a ResponsePayload, addressed back to the request's sender.</summary>
    public static Hi1Node Message(Hi1Header? request, DateTimeOffset now, Hi1Node responsePayload)
    {
        ArgumentNullException.ThrowIfNull(responsePayload);
        var root = new Hi1Node("HI1Message", "");
        var header = root.Add("Header");
        var sender = header.Add("SenderIdentifier");
        sender.Add("CountryCode", request?.ReceiverCountry ?? "XX");
        sender.Add("UniqueIdentifier", request?.ReceiverId ?? "VIGIL");
        var receiver = header.Add("ReceiverIdentifier");
        receiver.Add("CountryCode", request?.SenderCountry ?? "XX");
        receiver.Add("UniqueIdentifier", request?.SenderId ?? "unknown");
        header.Add("TransactionIdentifier", request?.TransactionId ?? Guid.Empty.ToString());
        header.Add("Timestamp", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        header.Add("Version").Add("ETSIVersion", EtsiVersion);
        root.Add("Payload").Add(responsePayload);
        return root;
    }

    /// <summary>A whole-message refusal: ResponsePayload/ErrorInformation.</summary>
    public static Hi1Node MessageError(string code, string description)
    {
        var payload = new Hi1Node("ResponsePayload", "");
        payload.Add(ErrorInformation(code, description, []));
        return payload;
    }

    /// <summary>HI-1 ErrorInformation with Vigil's stable <c>Code</c> and the field errors (FieldErrors/FieldError: Field, Code, Message).</summary>
    public static Hi1Node ErrorInformation(string code, string description, IEnumerable<Hi1FieldError> fields)
    {
        var e = new Hi1Node("ErrorInformation", "");
        e.Add("ErrorCode", Hi1ErrorCodes.Number(code).ToString(CultureInfo.InvariantCulture));
        e.Add("ErrorDescription", description);
        e.Add("Code", code);
        var list = fields.ToList();
        if (list.Count > 0)
        {
            var fe = e.Add("FieldErrors");
            foreach (var f in list)
            {
                var x = fe.Add("FieldError");
                x.Add("Field", f.Field);
                x.Add("Code", f.Code);
                x.Add("Message", f.Message);
            }
        }
        return e;
    }

    public static Hi1Node ActionResponse(int actionId, Hi1Node body)
    {
        var r = new Hi1Node("ActionResponse", "");
        r.Add("ActionIdentifier", actionId.ToString(CultureInfo.InvariantCulture));
        r.Add(body);
        return r;
    }

    public static Hi1Node CreateResponse(string objectId)
    {
        var c = new Hi1Node("CREATEResponse", "");
        c.Add("Identifier", objectId);
        c.Add("Generation", "1");
        return c;
    }

    /// <summary>The AuthorisationObject as Vigil holds it, its status being the order's state.</summary>
    public static Hi1Node Authorisation(LegalOrder order, Authority authority)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(authority);
        var o = new Hi1Node("HI1Object", "") { Type = "AuthorisationObject", TypeNamespace = Hi1Codec.AuthorisationNamespace };
        Common(o, order.Hi1ObjectId ?? "", authority);
        o.Add("auth:AuthorisationReference", order.Reference);
        Dictionary(o.Add("auth:AuthorisationLegalType"), "VIGIL", "Instrument", InstrumentRules.For(order.Instrument).Code);
        Dictionary(o.Add("auth:AuthorisationPriority"), "ETSI", "AuthorisationPriority", order.Emergency ? "Emergency" : "Normal");
        Dictionary(o.Add("auth:AuthorisationStatus"), "VIGIL", "OrderState", order.State.ToString());
        if (order.AuthorisedFrom is not null || order.AuthorisedTo is not null)
        {
            var span = o.Add("auth:AuthorisationTimespan");
            if (order.AuthorisedFrom is { } f)
            {
                span.Add("auth:StartTime", Time(f));
            }
            if (order.AuthorisedTo is { } t)
            {
                span.Add("auth:EndTime", Time(t));
            }
        }
        if (order.DueAt is { } due)
        {
            o.Add("auth:DueTime", Time(due));
        }
        return o;
    }

    /// <summary>An LDTaskObject with its decision as status.</summary>
    public static Hi1Node Task(OrderTask task, LegalOrder order, Authority authority)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(order);
        var o = new Hi1Node("HI1Object", "") { Type = "LDTaskObject", TypeNamespace = Hi1Codec.TaskNamespace };
        Common(o, task.Hi1ObjectId ?? "", authority);
        o.Add("AssociatedObjects").Add("AssociatedObject", order.Hi1ObjectId);
        if (task.Reference is not null)
        {
            o.Add("task:Reference", task.Reference);
        }
        Dictionary(o.Add("task:Status"), "VIGIL", "TaskDecision", task.Decision.ToString());
        var details = o.Add("task:RequestDetails");
        if (task.Category is { } c)
        {
            Dictionary(details.Add("task:Type"), "ETSI", "RequestType", Hi1Mappings.CategoryName(c));
        }
        if (task.StartTime is { } s)
        {
            details.Add("task:StartTime", Time(s));
        }
        if (task.EndTime is { } e)
        {
            details.Add("task:EndTime", Time(e));
        }
        return o;
    }

    /// <summary>A DocumentObject's metadata (the contents are the authority's own; their SHA-256 proves what Vigil holds).</summary>
    public static Hi1Node Document(OrderDocument doc, LegalOrder order, Authority authority)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(order);
        var o = new Hi1Node("HI1Object", "") { Type = "DocumentObject", TypeNamespace = Hi1Codec.DocumentNamespace };
        Common(o, doc.Hi1ObjectId ?? "", authority);
        o.Add("AssociatedObjects").Add("AssociatedObject", order.Hi1ObjectId);
        o.Add("doc:DocumentReference", doc.Reference);
        Dictionary(o.Add("doc:DocumentType"), "ETSI", "DocumentType", doc.DocumentType);
        var body = o.Add("doc:DocumentBody");
        body.Add("doc:ContentType", doc.ContentType);
        body.Add("doc:Checksum", doc.Sha256);
        return o;
    }

    /// <summary>
    /// The DeliveryObject of a disclosure package (Vigil's subset of TS 103 120's delivery namespace): where and until
    /// when the authority's portal user downloads it once, and what it will get (SHA-256, size, media type).
    /// </summary>
    public static Hi1Node Delivery(DisclosurePackage package, LegalOrder order, Authority authority, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(order);
        var o = new Hi1Node("HI1Object", "") { Type = "DeliveryObject", TypeNamespace = Hi1Codec.DeliveryNamespace };
        var id = DeliveryObjectId(package);
        Common(o, id, authority);
        o.Add("AssociatedObjects").Add("AssociatedObject", order.Hi1ObjectId);
        o.Add("delivery:Reference", order.Reference);
        o.Add("delivery:DeliveryID", id);
        o.Add("delivery:SequenceNumber", "1");
        o.Add("delivery:LastSequence", "true");
        var d = o.Add("delivery:Delivery");
        d.Add("delivery:DownloadPath", DisclosureDelivery.DownloadPath(package.Id));
        d.Add("delivery:ContentType", DisclosureDelivery.ContentType);
        d.Add("delivery:SizeBytes", package.SizeBytes.ToString(CultureInfo.InvariantCulture));
        d.Add("delivery:Sha256", package.Sha256);
        d.Add("delivery:ExpiresAt", Time(package.ExpiresAt));
        d.Add("delivery:Status", DeliveryStatus(package, now));
        if (package.DownloadedAt is { } at)
        {
            d.Add("delivery:DownloadedAt", Time(at));
        }
        return o;
    }

    /// <summary>Available, Downloaded or Expired at <paramref name="now"/>.</summary>
    public static string DeliveryStatus(DisclosurePackage package, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(package);
        return package.DownloadedAt is not null ? "Downloaded" : now >= package.ExpiresAt ? "Expired" : "Available";
    }

    /// <summary>
    /// A package's HI-1 ObjectIdentifier: a UUID derived from its id and SHA-256 (stable, so GET finds it again, and not
    /// guessable from the id alone).
    /// </summary>
    public static string DeliveryObjectId(DisclosurePackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"vigil-delivery:{package.Id}:{package.Sha256}")));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: custom
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return Convert.ToHexStringLower(hash.AsSpan(0, 16)).Insert(20, "-").Insert(16, "-").Insert(12, "-").Insert(8, "-");
    }

    private static void Common(Hi1Node o, string id, Authority authority)
    {
        o.Add("ObjectIdentifier", id);
        o.Add("CountryCode", authority.CountryCode);
        o.Add("OwnerIdentifier", authority.Code);
        o.Add("Generation", "1");
    }

    private static void Dictionary(Hi1Node n, string owner, string name, string value)
    {
        n.Add("common:Owner", owner);
        n.Add("common:Name", name);
        n.Add("common:Value", value);
    }

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
