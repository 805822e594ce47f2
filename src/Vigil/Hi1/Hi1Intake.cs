using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Storage;

namespace Vigil.Hi1;

/// <summary>The answer to one HI-1 request: HTTP status, body, content type.</summary>
public sealed record Hi1Reply(int Status, byte[] Body, string ContentType);

/// <summary>
/// HI-1 order intake: authenticates every request (JWS with a registered key, or mutual TLS with a registered client
/// certificate; either way a fresh timestamp and an unused nonce), reads
/// the message (JSON or XML), creates at most one order per message in one transaction, answers GET and LIST for the
/// sender's own orders, and writes every refusal and every created order to the ledger.
/// </summary>
public sealed class Hi1Intake(VigilStore store, LedgerLog ledger, TimeProvider time) : IAsyncDisposable
{
    public const string Refused = "hi1.refused";
    public const string OrderReceived = "hi1.order_received";
    public const string SubjectType = "hi1_request";
    public const string JoseMediaType = "application/jose";
    public const string Role = "authority";

    /// <summary>Largest request body (a JWS of a message of <see cref="Hi1Codec.MaxMessageBytes"/>, base64url).</summary>
    public const int MaxBodyBytes = (Hi1Codec.MaxMessageBytes / 3 * 4) + (64 * 1024);

    /// <summary>How far a request's <c>iat</c> may be from the server's clock, either way.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    /// <summary>Most orders one LIST returns (newest first).</summary>
    public const int ListLimit = 1000;

    private readonly Hi1OrderWriter writer = new(store, ledger, time);

    public ValueTask DisposeAsync() => writer.DisposeAsync();

    /// <summary>Reads <paramref name="body"/> (at most <see cref="MaxBodyBytes"/>) and answers it.</summary>
    /// <param name="clientCertificate">The certificate the client presented over TLS, if any.</param>
    public async Task<Hi1Reply> HandleAsync(string? contentType, long? contentLength, Stream body, X509Certificate2? clientCertificate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        byte[] bytes;
        Hi1Encoding? plain;
        try
        {
            plain = PlainEncoding(contentType);
            if (!IsJose(contentType) && plain is null)
            {
                throw new Hi1Exception("content_type_unsupported", 415,
                    $"requests are JWS compact serialisations sent as Content-Type: {JoseMediaType}, or HI-1 messages (application/json, application/xml) sent over mutual TLS");
            }
            if (plain is not null && clientCertificate is null)
            {
                throw Hi1Exception.Unauthenticated("client_certificate_missing",
                    $"an unsigned HI-1 message is accepted only over mutual TLS with a registered client certificate; otherwise sign it (Content-Type: {JoseMediaType})");
            }
            if (contentLength > MaxBodyBytes)
            {
                throw new Hi1Exception("body_too_large", 413, $"the body is larger than {MaxBodyBytes} bytes");
            }
            bytes = await ReadLimitedAsync(body, ct);
        }
        catch (Hi1Exception e)
        {
            return await RefuseAsync(e, clientCertificate is null ? "unknown" : CertificateKeyId(clientCertificate), null, [], Hi1Encoding.Json, ct);
        }
        return plain is { } encoding ? await HandleAsync(bytes, clientCertificate!, encoding, ct) : await HandleAsync(bytes, ct);
    }

    /// <summary>Answers one request body (a JWS compact serialisation).</summary>
    public Task<Hi1Reply> HandleAsync(byte[] body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RefusingAsync(new Attempt("unknown", Hi1Encoding.Json), body, async a =>
        {
            var jws = Hi1Jws.Parse(body);
            a.Actor = jws.Header.Kid;
            a.Encoding = jws.Header.ContentType is { } cty ? (cty.EndsWith("xml", StringComparison.Ordinal) ? Hi1Encoding.Xml : Hi1Encoding.Json) : Hi1Codec.Sniff(jws.Payload);
            var now = time.GetUtcNow();
            AuthorityKey key;
            await using (var db = store.CreateContext())
            {
                key = await AuthenticateAsync(db, jws, now, ct);
            }
            var message = ReadFrom(key, jws.Payload, a.Encoding);
            a.Header = message.Header;
            return await ProcessAsync(message, key, jws.Header.Nonce, jws.Header.IssuedAt, $"JWS verified with key {key.KeyId}", body, now, ct);
        }, ct);
    }

    /// <summary>
    /// Answers one HI-1 message that arrived unsigned over mutual TLS. The client certificate must be registered for the
    /// sending authority (matched by the SHA-256 of its DER, as its key id), valid and not revoked. Replays are stopped as
    /// for JWS: the message header's Timestamp plays <c>iat</c> (within <see cref="MaxSkew"/>) and its TransactionIdentifier
    /// the nonce (used once per certificate).
    /// </summary>
    public Task<Hi1Reply> HandleAsync(byte[] body, X509Certificate2 clientCertificate, Hi1Encoding encoding, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(clientCertificate);
        return RefusingAsync(new Attempt(CertificateKeyId(clientCertificate), encoding), body, async a =>
        {
            var now = time.GetUtcNow();
            AuthorityKey key;
            await using (var db = store.CreateContext())
            {
                key = await AuthenticateAsync(db, a.Actor, now, ct);
            }
            var message = ReadFrom(key, body, encoding);
            a.Header = message.Header;
            if (message.Header.Timestamp is not { } sent)
            {
                throw Hi1Exception.Unauthenticated("timestamp_missing", "a message over mutual TLS must carry its Timestamp in the header (it stops replays)");
            }
            CheckSkew("the header's Timestamp", sent, now);
            var nonce = message.Header.TransactionId;
            if (string.IsNullOrWhiteSpace(nonce) || nonce.Length > 128)
            {
                throw Hi1Exception.Unauthenticated("transaction_id_invalid", "a message over mutual TLS must carry a TransactionIdentifier of 1 to 128 characters (it is the nonce)");
            }
            return await ProcessAsync(message, key, nonce, sent, $"mutual TLS with client certificate {key.KeyId}", body, now, ct);
        }, ct);
    }

    /// <summary>What is known of a request so far, for its refusal: who sent it, its header once read, its encoding.</summary>
    private sealed class Attempt(string actor, Hi1Encoding encoding)
    {
        public string Actor { get; set; } = actor;

        public Hi1Encoding Encoding { get; set; } = encoding;

        public Hi1Header? Header { get; set; }
    }

    /// <summary>Runs <paramref name="work"/>; any refusal, or Vigil's own failure, is answered and written to the ledger.</summary>
    private async Task<Hi1Reply> RefusingAsync(Attempt a, byte[] body, Func<Attempt, Task<Hi1Reply>> work, CancellationToken ct)
    {
        try
        {
            return await work(a);
        }
        catch (Hi1Exception e)
        {
            return await RefuseAsync(e, a.Actor, a.Header, body, a.Encoding, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Vigil's fault (e.g. the database is down): still refused, still on the ledger, never a partial order.
            return await RefuseAsync(new Hi1Exception("internal_error", 500, "the request could not be processed; nothing was created"), a.Actor, a.Header, body, a.Encoding, ct);
        }
    }

    /// <summary>A client certificate's key id in the registry: the lower-case hex SHA-256 of its DER.</summary>
    public static string CertificateKeyId(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return AuthorityValidation.Sha256Hex(certificate.RawData);
    }

    /// <summary>Reads the message and checks it is sent in the name of the key's own authority.</summary>
    private static Hi1Message ReadFrom(AuthorityKey key, byte[] payload, Hi1Encoding encoding)
    {
        var authority = key.Authority!;
        var message = Hi1MessageReader.Read(Hi1Codec.Read(payload, encoding), encoding);
        if (!string.Equals(message.Header.SenderId, authority.Code, StringComparison.Ordinal)
            || !string.Equals(message.Header.SenderCountry, authority.CountryCode, StringComparison.Ordinal))
        {
            throw Hi1Exception.Forbidden("key_authority_mismatch", $"key {key.KeyId} belongs to another authority than the message's SenderIdentifier");
        }
        return message;
    }

    private static async Task<AuthorityKey> AuthenticateAsync(VigilDb db, string certificateKeyId, DateTimeOffset now, CancellationToken ct)
    {
        var key = await FindKeyAsync(db, certificateKeyId, ct);
        if (key is null || key.Kind != AuthorityKeyKind.ClientCertificate || key.Authority is null)
        {
            throw Hi1Exception.Unauthenticated("certificate_unknown", "the client certificate is not registered for any authority");
        }
        CheckKey(key, now);
        return key;
    }

    /// <summary>A registered key or client certificate with its authority, read on every request so revocation is immediate.</summary>
    private static Task<AuthorityKey?> FindKeyAsync(VigilDb db, string keyId, CancellationToken ct) => db switch
    {
        SqliteVigilDb sqlite => FindKeySqlite(sqlite, keyId, ct),
        PostgresVigilDb postgres => FindKeyPostgres(postgres, keyId, ct),
        _ => throw new NotSupportedException(db.GetType().Name),
    };

    // Compiled once (on every request EF would otherwise look the query's expression tree up in its cache), one per
    // provider: a compiled query keeps the first model it ran against.
    private static readonly Func<SqliteVigilDb, string, CancellationToken, Task<AuthorityKey?>> FindKeySqlite = CompileFindKey<SqliteVigilDb>();

    private static readonly Func<PostgresVigilDb, string, CancellationToken, Task<AuthorityKey?>> FindKeyPostgres = CompileFindKey<PostgresVigilDb>();

    private static Func<TDb, string, CancellationToken, Task<AuthorityKey?>> CompileFindKey<TDb>()
        where TDb : VigilDb =>
        EF.CompileAsyncQuery((TDb db, string keyId, CancellationToken ct) => db.AuthorityKeys.AsNoTracking().Include(k => k.Authority).FirstOrDefault(k => k.KeyId == keyId));

    private static void CheckKey(AuthorityKey key, DateTimeOffset now)
    {
        if (key.RevokedAt is not null)
        {
            throw Hi1Exception.Unauthenticated("key_revoked", $"key {key.KeyId} was revoked");
        }
        if (now < key.NotBefore)
        {
            throw Hi1Exception.Unauthenticated("key_not_yet_valid", $"key {key.KeyId} is valid from {Hi1Responses.Time(key.NotBefore)}");
        }
        if (now >= key.NotAfter)
        {
            throw Hi1Exception.Unauthenticated("key_expired", $"key {key.KeyId} expired at {Hi1Responses.Time(key.NotAfter)}");
        }
        if (key.Authority!.DisabledAt is not null)
        {
            throw Hi1Exception.Forbidden("authority_disabled", $"authority {key.Authority.Code} is no longer registered");
        }
    }

    private static void CheckSkew(string what, DateTimeOffset sent, DateTimeOffset now)
    {
        if ((now - sent).Duration() > MaxSkew)
        {
            throw Hi1Exception.Unauthenticated("clock_skew", $"{what} is {(now - sent).TotalSeconds:F0} s from the server's clock; at most {MaxSkew.TotalSeconds:F0} s either way");
        }
    }

    private static async Task<AuthorityKey> AuthenticateAsync(VigilDb db, Hi1Jws jws, DateTimeOffset now, CancellationToken ct)
    {
        var h = jws.Header;
        var key = await FindKeyAsync(db, h.Kid, ct);
        if (key is null || key.Kind != AuthorityKeyKind.JwsPublicKey || key.Authority is null)
        {
            throw Hi1Exception.Unauthenticated("key_unknown", "kid names no registered JWS key");
        }
        // The registered algorithm decides; a header naming another one (e.g. HS256 with the public key as secret) is refused.
        if (!string.Equals(key.Algorithm, h.Alg, StringComparison.Ordinal))
        {
            throw Hi1Exception.Unauthenticated("alg_mismatch", $"key {key.KeyId} is registered for {key.Algorithm}, not {h.Alg}");
        }
        if (!jws.Verify(h.Alg, key.Pem))
        {
            throw Hi1Exception.Unauthenticated("signature_invalid", "the JWS signature does not verify with the registered key");
        }
        CheckKey(key, now);
        CheckSkew("iat", h.IssuedAt, now);
        return key;
    }

    private async Task<Hi1Reply> ProcessAsync(Hi1Message message, AuthorityKey key, string nonce, DateTimeOffset issuedAt, string authenticated, byte[] body,
        DateTimeOffset now, CancellationToken ct)
    {
        var authority = key.Authority!;
        var keyId = key.KeyId;
        var responses = new Dictionary<int, Hi1Node>();
        var creates = message.Actions.Where(a => a.Verb == Hi1Verb.Create).ToList();
        var events = new List<LedgerEvent>();
        // Only signed, fresh requests get this far, so strangers cannot fill the nonce table. A nonce row is needed while
        // its iat is within the skew; after that the age check refuses the replay by itself.
        var commit = new Hi1Commit(message, creates, authority, keyId, nonce, issuedAt + MaxSkew, authenticated, body, now);
        if (creates.Count > 0)
        {
            var draft = commit.Build();
            if (draft.Errors.Count == 0)
            {
                Hi1OrderReader.AddValidationErrors(draft, OrderValidation.Validate(draft.Order, authority, now));
            }
            if (draft.Errors.Count == 0)
            {
                commit.Draft = draft;
            }
            else
            {
                foreach (var a in creates)
                {
                    var mine = draft.Errors.Where(e => e.ActionId == a.Id).ToList();
                    responses[a.Id] = mine.Count > 0
                        ? Hi1Responses.ErrorInformation("order_invalid", $"the order was not created: {string.Join("; ", mine.Select(e => $"{e.Field}: {e.Message}"))}", mine)
                        : Hi1Responses.ErrorInformation("order_not_processed", "the order was not created because another object of it is invalid", []);
                }
                var codes = string.Join(",", draft.Errors.Select(e => e.Code).Distinct(StringComparer.Ordinal));
                events.Add(RefusalEvent(keyId, message.Header, "order_invalid: " + codes, body));
            }
        }
        // The nonce and the order (if any) are written together, batched with other requests' (Hi1OrderWriter).
        var outcome = await writer.WriteAsync(commit, ct);
        if (outcome.Replay)
        {
            throw Hi1Exception.Unauthenticated("replay", "this nonce (a JWS nonce, or the TransactionIdentifier over mutual TLS) was already used with this key");
        }
        if (outcome.Draft is { } created)
        {
            AnswerCreated(creates, created, responses);
        }
        if (message.Actions.Any(a => a.Verb is Hi1Verb.Get or Hi1Verb.List))
        {
            await using var db = store.CreateContext();
            foreach (var a in message.Actions)
            {
                switch (a.Verb)
                {
                    case Hi1Verb.Get:
                        responses[a.Id] = await GetAsync(db, authority, a.Identifier!, now, ct);
                        break;
                    case Hi1Verb.List:
                        responses[a.Id] = await ListAsync(db, authority, a.ObjectType, now, ct);
                        break;
                    default:
                        break;
                }
            }
        }
        foreach (var a in message.Actions.Where(a => a.Verb == Hi1Verb.Unsupported))
        {
            responses[a.Id] = Hi1Responses.ErrorInformation("action_not_supported", $"{a.VerbName} is not supported (CREATE, GET and LIST are)", []);
        }
        if (events.Count > 0)
        {
            await ledger.AppendBatchAsync(events, ct);
        }
        var payloadNode = new Hi1Node("ResponsePayload", "");
        var list = payloadNode.Add("ActionResponses");
        foreach (var a in message.Actions)
        {
            list.Add(Hi1Responses.ActionResponse(a.Id, responses[a.Id]));
        }
        bool anyOk = responses.Values.Any(r => r.Name != "ErrorInformation");
        return Reply(anyOk ? 200 : 422, Hi1Responses.Message(message.Header, time.GetUtcNow(), payloadNode), message.Encoding);
    }

    /// <summary>The ledger events of a new order, in order: received, its first transitions, its documents, its holds.</summary>
    internal static IEnumerable<LedgerEvent> CreatedEvents(Hi1Commit c, LegalOrder order, IReadOnlyList<LedgerEvent> moves, IReadOnlyList<PreservationHold> holds)
    {
        var rules = InstrumentRules.For(order.Instrument);
        var selectors = order.Tasks.Sum(t => t.Selectors.Count);
        yield return OrderLifecycle.Event(c.KeyId, Role, OrderReceived, order.Id,
            $"{rules.Code} {order.Reference} from {c.Authority.Code} over HI-1 {c.Message.Encoding}: {order.Tasks.Count} task(s), {selectors} selector(s), {order.Documents.Count} document(s){(order.Emergency ? ", emergency" : "")}")
            with { PayloadSha256 = LedgerEvent.HashPayload(c.Body) };
        foreach (var m in moves)
        {
            yield return m;
        }
        foreach (var d in order.Documents)
        {
            yield return OrderLifecycle.Event(c.KeyId, Role, "order.document_stored", order.Id, $"{d.DocumentType} {d.ContentType}, {d.Content.Length} bytes, sha256 {d.Sha256}")
                with { PayloadSha256 = Convert.FromHexString(d.Sha256) };
        }
        if (holds.Count > 0)
        {
            yield return OrderLifecycle.Event(c.KeyId, Role, "order.preservation_placed", order.Id,
                $"{holds.Count} preservation hold(s) on receipt until {Hi1Responses.Time(holds[0].ExpiresAt)}");
        }
    }

    private static void AnswerCreated(List<Hi1Action> creates, Hi1OrderDraft draft, Dictionary<int, Hi1Node> responses)
    {
        foreach (var a in creates)
        {
            responses[a.Id] = Hi1Responses.CreateResponse(draft.ObjectIds.GetValueOrDefault(a.Id, ""));
        }
    }

    private static async Task<Hi1Node> GetAsync(VigilDb db, Authority authority, string identifier, DateTimeOffset now, CancellationToken ct)
    {
        var id = identifier.ToLowerInvariant();
        // Only the caller's own orders: another authority's object ids answer "not found" like unknown ones.
        var order = await db.LegalOrders.AsNoTracking().Include(o => o.Tasks).Include(o => o.Documents)
            .FirstOrDefaultAsync(o => o.AuthorityId == authority.Id && o.Hi1ObjectId == id, ct);
        if (order is not null)
        {
            return new Hi1Node("GETResponse", "").Add(Hi1Responses.Authorisation(order, authority));
        }
        var task = await db.OrderTasks.AsNoTracking().Include(t => t.Order)
            .FirstOrDefaultAsync(t => t.Hi1ObjectId == id && t.Order!.AuthorityId == authority.Id, ct);
        if (task is not null)
        {
            return new Hi1Node("GETResponse", "").Add(Hi1Responses.Task(task, task.Order!, authority));
        }
        var doc = await (from d in db.OrderDocuments.AsNoTracking()
                         join o in db.LegalOrders.AsNoTracking() on d.OrderId equals o.Id
                         where d.Hi1ObjectId == id && o.AuthorityId == authority.Id
                         select new { d, o }).FirstOrDefaultAsync(ct);
        if (doc is not null)
        {
            return new Hi1Node("GETResponse", "").Add(Hi1Responses.Document(doc.d, doc.o, authority));
        }
        foreach (var (package, owner) in await DeliveriesAsync(db, authority, ct))
        {
            if (Hi1Responses.DeliveryObjectId(package) == id)
            {
                return new Hi1Node("GETResponse", "").Add(Hi1Responses.Delivery(package, owner, authority, now));
            }
        }
        return Hi1Responses.ErrorInformation("not_found", $"no object {Hi1Codec.Cut(identifier)} of {authority.Code}", []);
    }

    /// <summary>The authority's disclosure packages (newest first, at most <see cref="ListLimit"/>) with their orders.</summary>
    private static async Task<List<(Disclosure.DisclosurePackage Package, LegalOrder Order)>> DeliveriesAsync(VigilDb db, Authority authority, CancellationToken ct) =>
        [.. (await (from p in db.DisclosurePackages.AsNoTracking()
                    join o in db.LegalOrders.AsNoTracking() on p.OrderId equals o.Id
                    where p.AuthorityId == authority.Id && o.AuthorityId == authority.Id
                    orderby p.Id descending
                    // Everything but the encrypted bytes, which a reference does not need.
                    select new
                    {
                        p = new Disclosure.DisclosurePackage
                        {
                            Id = p.Id, OrderId = p.OrderId, AuthorityId = p.AuthorityId, CreatedAt = p.CreatedAt, CreatedBy = p.CreatedBy,
                            SizeBytes = p.SizeBytes, Sha256 = p.Sha256, ManifestSha256 = p.ManifestSha256, RecordCount = p.RecordCount,
                            ExpiresAt = p.ExpiresAt, DownloadedAt = p.DownloadedAt, DownloadedBy = p.DownloadedBy,
                        },
                        o,
                    }).Take(ListLimit).ToListAsync(ct)).Select(x => (x.p, x.o))];

    private static async Task<Hi1Node> ListAsync(VigilDb db, Authority authority, string? objectType, DateTimeOffset now, CancellationToken ct)
    {
        var response = new Hi1Node("LISTResponse", "");
        if (objectType is not null && objectType.Contains("DeliveryObject", StringComparison.Ordinal))
        {
            // The disclosures answering the authority's orders: each is downloaded once from the portal.
            foreach (var (package, _) in await DeliveriesAsync(db, authority, ct))
            {
                Record(response, "{" + Hi1Codec.DeliveryNamespace + "}DeliveryObject", Hi1Responses.DeliveryObjectId(package), Hi1Responses.DeliveryStatus(package, now));
            }
            return response;
        }
        if (objectType is not null && objectType.Contains("LDTaskObject", StringComparison.Ordinal))
        {
            var tasks = await db.OrderTasks.AsNoTracking().Where(t => t.Order!.AuthorityId == authority.Id)
                .OrderByDescending(t => t.Id).Take(ListLimit).Select(t => new { t.Hi1ObjectId, t.Decision }).ToListAsync(ct);
            foreach (var t in tasks)
            {
                Record(response, "{" + Hi1Codec.TaskNamespace + "}LDTaskObject", t.Hi1ObjectId ?? "", t.Decision.ToString());
            }
            return response;
        }
        var orders = await db.LegalOrders.AsNoTracking().Where(o => o.AuthorityId == authority.Id)
            .OrderByDescending(o => o.ReceivedAt).ThenByDescending(o => o.Id).Take(ListLimit)
            .Select(o => new { o.Hi1ObjectId, o.State, o.Reference }).ToListAsync(ct);
        foreach (var o in orders)
        {
            Record(response, "{" + Hi1Codec.AuthorisationNamespace + "}AuthorisationObject", o.Hi1ObjectId ?? "", o.State.ToString()).Add("Reference", o.Reference);
        }
        return response;
    }

    private static Hi1Node Record(Hi1Node list, string type, string id, string status)
    {
        var r = list.Add("ListResponseRecord");
        r.Add("ObjectType", type);
        r.Add("ObjectIdentifier", id);
        r.Add("Generation", "1");
        r.Add("Status", status);
        return r;
    }

    private async Task<Hi1Reply> RefuseAsync(Hi1Exception e, string actor, Hi1Header? header, byte[] body, Hi1Encoding encoding, CancellationToken ct)
    {
        await ledger.AppendAsync(RefusalEvent(actor, header, e.Code, body), ct);
        return Reply(e.Status, Hi1Responses.Message(header, time.GetUtcNow(), Hi1Responses.MessageError(e.Code, e.Message)), encoding);
    }

    /// <summary>A refusal for the ledger: who (the kid or "unknown"), why (the code); the body only as its SHA-256.</summary>
    private static LedgerEvent RefusalEvent(string actor, Hi1Header? header, string reason, byte[] body) =>
        new(Cut(string.IsNullOrWhiteSpace(actor) ? "unknown" : actor), Role, Refused,
            new LedgerSubject(SubjectType, Cut(header?.TransactionId ?? "unknown")), Cut(reason, LedgerEvent.MaxReasonLength),
            LedgerEvent.HashPayload(body));

    private static Hi1Reply Reply(int status, Hi1Node message, Hi1Encoding encoding) =>
        new(status, Hi1Codec.Write(message, encoding), encoding == Hi1Encoding.Xml ? "application/xml; charset=utf-8" : "application/json; charset=utf-8");

    private static bool IsJose(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(JoseMediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The encoding of an unsigned HI-1 message's media type (JSON, XML); null for any other.</summary>
    private static Hi1Encoding? PlainEncoding(string? contentType) => contentType?.Split(';')[0].Trim().ToLowerInvariant() switch
    {
        "application/json" => Hi1Encoding.Json,
        "application/xml" or "text/xml" => Hi1Encoding.Xml,
        _ => null,
    };

    private static async Task<byte[]> ReadLimitedAsync(Stream body, CancellationToken ct)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await body.ReadAsync(buffer, ct)) > 0)
        {
            if (ms.Length + n > MaxBodyBytes)
            {
                throw new Hi1Exception("body_too_large", 413, $"the body is larger than {MaxBodyBytes} bytes");
            }
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    private static string Cut(string s, int max = LedgerEvent.MaxNameLength)
    {
        // Control characters from a hostile kid or transaction id would be refused by the ledger; keep them out.
        s = new string(s.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c).ToArray());
        return s.Length <= max ? s : s[..max];
    }

}
