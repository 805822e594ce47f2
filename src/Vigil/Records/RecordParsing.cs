using System.Globalization;
using System.Text.Json;
using Vigil.Orders;

namespace Vigil.Records;

/// <summary>Why one record was refused: the field at fault (null for the record as a whole) and a precise message.</summary>
/// <param name="Status">The HTTP status this item alone would get: 400 malformed, 413 too large, 422 refused by policy.</param>
public sealed record RecordError(string? Field, string Message, int Status = 400);

/// <summary>One parsed record, ready to store; <see cref="Key"/> is its natural identifier echoed in results.</summary>
public sealed record ParsedRecord(RecordCategory Category, string Key, object Entity);

/// <summary>
/// Reads one record of a category from JSON. Every check happens here, before the database: an item is either
/// wholly valid (and then stored whole) or refused with the field at fault, so nothing of a bad item is written.
/// </summary>
public static class RecordParsing
{
    public const int MaxIdLength = 256;
    public const int MaxRecipients = 1000;
    public const int MaxTextChars = 1_000_000;
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>Earliest time a record may carry; anything before is a unit or clock error, not a real event.</summary>
    public static readonly DateTimeOffset Earliest = new(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far in the future a time may be (clock skew between the platform and Vigil).</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    /// <summary>The URL segment of each category (<c>/api/v1/records/{segment}</c>).</summary>
    public static readonly IReadOnlyDictionary<string, RecordCategory> Segments = new Dictionary<string, RecordCategory>(StringComparer.Ordinal)
    {
        ["subscribers"] = RecordCategory.Subscriber,
        ["access_logs"] = RecordCategory.AccessLog,
        ["message_metadata"] = RecordCategory.MessageMetadata,
        ["stored_content"] = RecordCategory.StoredContent,
        ["media_hashes"] = RecordCategory.MediaHash,
    };

    private static readonly Dictionary<RecordCategory, string[]> Fields = new()
    {
        [RecordCategory.Subscriber] = ["account_id", "username", "names_given", "email", "phone", "created_at", "country", "us_person"],
        [RecordCategory.AccessLog] = ["account_id", "at", "ip_address", "source_port", "device_id"],
        [RecordCategory.MessageMetadata] = ["message_id", "sender", "recipients", "at", "size_bytes", "e2ee"],
        [RecordCategory.StoredContent] = ["item_id", "account_id", "at", "content_type", "text", "body_base64", "e2ee"],
        [RecordCategory.MediaHash] = ["item_id", "account_id", "at", "algorithm", "hash"],
    };

    private static readonly Dictionary<string, int> HashHexLengths = new(StringComparer.Ordinal)
    {
        ["pdq"] = 64,
        ["md5"] = 32,
        ["sha256"] = 64,
    };

    /// <summary>The fields a record of <paramref name="category"/> may carry (anything else is refused).</summary>
    public static IReadOnlyList<string> FieldsOf(RecordCategory category) => Fields[category];

    /// <summary>Parses one record; returns it, or null and the error (with the key when one could be read).</summary>
    public static (ParsedRecord? Record, string? Key, RecordError? Error) Parse(RecordCategory category, JsonElement e, long platformId, DateTimeOffset now)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, null, new RecordError(null, "a record must be a JSON object"));
        }
        var keyField = category switch
        {
            RecordCategory.MessageMetadata => "message_id",
            RecordCategory.StoredContent or RecordCategory.MediaHash => "item_id",
            _ => "account_id",
        };
        string? key = e.TryGetProperty(keyField, out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        var allowed = Fields[category];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            if (!seen.Add(p.Name))
            {
                return (null, key, new RecordError(p.Name, $"field '{p.Name}' appears twice"));
            }
            if (!allowed.Contains(p.Name, StringComparer.Ordinal))
            {
                return (null, key, UnknownField(category, p.Name));
            }
        }
        try
        {
            var record = category switch
            {
                RecordCategory.Subscriber => Subscriber(e, platformId, now),
                RecordCategory.AccessLog => AccessLog(e, platformId, now),
                RecordCategory.MessageMetadata => Message(e, platformId, now),
                RecordCategory.StoredContent => Content(e, platformId, now),
                RecordCategory.MediaHash => MediaHash(e, platformId, now),
                _ => throw new ArgumentOutOfRangeException(nameof(category)),
            };
            return (record, record.Key, null);
        }
        catch (RecordFieldException x)
        {
            return (null, key, x.Error);
        }
    }

    private static RecordError UnknownField(RecordCategory category, string name)
    {
        if (category == RecordCategory.MessageMetadata && name is "body" or "text" or "content" or "body_base64")
        {
            return new RecordError(name, "message metadata has no body field: message bodies are never taken here, and end-to-end-encrypted bodies never at all", 422);
        }
        return new RecordError(name, $"unknown field '{name}'; the fields are: {string.Join(", ", Fields[category])}");
    }

    private static ParsedRecord Subscriber(JsonElement e, long platformId, DateTimeOffset now)
    {
        var account = Id(e, "account_id");
        var username = Selector(e, "username", SelectorKind.Username);
        var email = Selector(e, "email", SelectorKind.EmailAddress);
        var phone = Selector(e, "phone", SelectorKind.PhoneNumber);
        var names = OptionalString(e, "names_given", 512);
        var created = Time(e, "created_at", now);
        var country = OptionalString(e, "country", 2);
        if (country is not null)
        {
            if (country.Length != 2 || !country.All(char.IsAsciiLetter))
            {
                throw Bad("country", "'country' must be an ISO 3166-1 alpha-2 code such as GB");
            }
            country = country.ToUpperInvariant();
        }
        var usPerson = OptionalBool(e, "us_person") ?? false;
        return new ParsedRecord(RecordCategory.Subscriber, account, new SubscriberRecord
        {
            PlatformId = platformId,
            AccountId = account,
            Username = username,
            NamesGiven = names,
            Email = email,
            Phone = phone,
            AccountCreatedAt = created,
            Country = country,
            UsPerson = usPerson,
            RecordedAt = now,
        });
    }

    private static ParsedRecord AccessLog(JsonElement e, long platformId, DateTimeOffset now)
    {
        var account = Id(e, "account_id");
        var at = Time(e, "at", now);
        var ip = Selector(e, "ip_address", SelectorKind.IpAddress) ?? throw Bad("ip_address", "missing field 'ip_address'");
        int? port = null;
        if (Present(e, "source_port", out var p))
        {
            if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out var v) || v is < 0 or > 65535)
            {
                throw Bad("source_port", "'source_port' must be an integer from 0 to 65535");
            }
            port = v;
        }
        var device = OptionalString(e, "device_id", MaxIdLength);
        return new ParsedRecord(RecordCategory.AccessLog, account, new AccessLogRecord
        {
            PlatformId = platformId,
            AccountId = account,
            At = at,
            IpAddress = ip,
            SourcePort = port,
            DeviceId = device,
            RecordedAt = now,
        });
    }

    private static ParsedRecord Message(JsonElement e, long platformId, DateTimeOffset now)
    {
        var id = Id(e, "message_id");
        var sender = Id(e, "sender");
        if (!Present(e, "recipients", out var r) || r.ValueKind != JsonValueKind.Array)
        {
            throw Bad("recipients", "'recipients' must be an array of account ids");
        }
        var recipients = new List<string>();
        int i = 0;
        foreach (var x in r.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.String || x.GetString() is not { Length: > 0 and <= MaxIdLength } s)
            {
                throw Bad($"recipients[{i}]", $"each recipient must be an account id of 1 to {MaxIdLength} characters");
            }
            if (!recipients.Contains(s, StringComparer.Ordinal))
            {
                recipients.Add(s);
            }
            i++;
        }
        if (recipients.Count is 0 or > MaxRecipients)
        {
            throw Bad("recipients", $"a message has 1 to {MaxRecipients} recipients");
        }
        var at = Time(e, "at", now);
        if (!Present(e, "size_bytes", out var sz) || sz.ValueKind != JsonValueKind.Number || !sz.TryGetInt64(out var size) || size is < 0 or > (1L << 40))
        {
            throw Bad("size_bytes", "'size_bytes' must be an integer from 0 to 2^40");
        }
        var e2ee = OptionalBool(e, "e2ee") ?? throw Bad("e2ee", "missing field 'e2ee' (true when the message is end-to-end encrypted)");
        return new ParsedRecord(RecordCategory.MessageMetadata, id, new MessageMetadataRecord
        {
            PlatformId = platformId,
            MessageId = id,
            SenderAccountId = sender,
            RecipientAccountIds = recipients,
            At = at,
            SizeBytes = size,
            E2ee = e2ee,
            RecordedAt = now,
        });
    }

    private static ParsedRecord Content(JsonElement e, long platformId, DateTimeOffset now)
    {
        var id = Id(e, "item_id");
        if (OptionalBool(e, "e2ee") == true)
        {
            // Checked before anything else of the body: an E2EE item is refused whole, whatever else it carries.
            throw new RecordFieldException(new RecordError("e2ee", "end-to-end-encrypted items are never stored: send their metadata to message_metadata instead", 422));
        }
        var account = Id(e, "account_id");
        var at = Time(e, "at", now);
        var type = OptionalString(e, "content_type", 128) ?? throw Bad("content_type", "missing field 'content_type' (a media type such as text/plain)");
        var text = OptionalString(e, "text", MaxTextChars);
        byte[]? body = null;
        if (Present(e, "body_base64", out var b))
        {
            if (b.ValueKind != JsonValueKind.String || !b.TryGetBytesFromBase64(out body) || body.Length == 0)
            {
                throw Bad("body_base64", "'body_base64' must be non-empty standard base64");
            }
            if (body.Length > MaxBodyBytes)
            {
                throw new RecordFieldException(new RecordError("body_base64", $"the body is {body.Length} bytes; at most {MaxBodyBytes} are taken per item", 413));
            }
        }
        if (text is null && body is null)
        {
            throw Bad("text", "stored content needs 'text' or 'body_base64'");
        }
        return new ParsedRecord(RecordCategory.StoredContent, id, new StoredContentRecord
        {
            PlatformId = platformId,
            ItemId = id,
            AccountId = account,
            At = at,
            ContentType = type,
            Text = text,
            Body = body,
            RecordedAt = now,
        });
    }

    private static ParsedRecord MediaHash(JsonElement e, long platformId, DateTimeOffset now)
    {
        var id = Id(e, "item_id");
        var account = Id(e, "account_id");
        var at = Time(e, "at", now);
        var algorithm = OptionalString(e, "algorithm", 16) ?? throw Bad("algorithm", "missing field 'algorithm' (pdq, md5 or sha256)");
        if (!HashHexLengths.TryGetValue(algorithm, out var hexLength))
        {
            throw Bad("algorithm", $"unknown algorithm '{algorithm}'; one of: pdq, md5, sha256");
        }
        var hash = OptionalString(e, "hash", 128) ?? throw Bad("hash", "missing field 'hash'");
        if (hash.Length != hexLength || !hash.All(char.IsAsciiHexDigit))
        {
            throw Bad("hash", $"a {algorithm} hash is {hexLength} hexadecimal digits");
        }
        return new ParsedRecord(RecordCategory.MediaHash, id, new MediaHashRecord
        {
            PlatformId = platformId,
            ItemId = id,
            AccountId = account,
            At = at,
            Algorithm = algorithm,
            Hash = hash.ToLowerInvariant(),
            RecordedAt = now,
        });
    }

    private static bool Present(JsonElement e, string name, out JsonElement value) =>
        e.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static string Id(JsonElement e, string name)
    {
        if (!Present(e, name, out var v))
        {
            throw Bad(name, $"missing field '{name}'");
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            throw Bad(name, $"'{name}' must be a string");
        }
        var s = v.GetString()!;
        if (s.Length is 0 or > MaxIdLength || s.Any(char.IsControl))
        {
            throw Bad(name, $"'{name}' must be 1 to {MaxIdLength} characters without control characters");
        }
        return s;
    }

    private static string? OptionalString(JsonElement e, string name, int maxLength)
    {
        if (!Present(e, name, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            throw Bad(name, $"'{name}' must be a string");
        }
        var s = v.GetString()!;
        if (s.Length > maxLength)
        {
            throw Bad(name, $"'{name}' is {s.Length} characters; at most {maxLength}");
        }
        return s;
    }

    private static bool? OptionalBool(JsonElement e, string name)
    {
        if (!Present(e, name, out var v))
        {
            return null;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(name, $"'{name}' must be true or false"),
        };
    }

    private static string? Selector(JsonElement e, string name, SelectorKind kind)
    {
        var raw = OptionalString(e, name, Selectors.MaxLength);
        if (raw is null)
        {
            return null;
        }
        return Selectors.Normalise(kind, raw, out var error) ?? throw Bad(name, $"'{name}' is invalid: {error}");
    }

    private static DateTimeOffset Time(JsonElement e, string name, DateTimeOffset now)
    {
        if (!Present(e, name, out var v))
        {
            throw Bad(name, $"missing field '{name}'");
        }
        if (v.ValueKind != JsonValueKind.String || !v.TryGetDateTimeOffset(out var t))
        {
            throw Bad(name, $"'{name}' must be an ISO 8601 date-time with an offset, e.g. 2026-11-27T09:00:00Z");
        }
        if (t > now + MaxSkew)
        {
            throw Bad(name, string.Create(CultureInfo.InvariantCulture, $"'{name}' is in the future ({t:O}; now is {now:O})"));
        }
        if (t < Earliest)
        {
            throw Bad(name, string.Create(CultureInfo.InvariantCulture, $"'{name}' ({t:O}) is before {Earliest:yyyy-MM-dd}; check the unit and the clock"));
        }
        // PostgreSQL timestamptz takes offset 0 only; the instant is what matters. Microseconds are what both stores keep.
        var utc = t.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % 10));
    }

    private static RecordFieldException Bad(string field, string message) => new(new RecordError(field, message));
}

/// <summary>Carries a field error out of a nested check; never escapes <see cref="RecordParsing"/>.</summary>
internal sealed class RecordFieldException(RecordError error) : Exception(error.Message)
{
    public RecordError Error { get; } = error;
}
