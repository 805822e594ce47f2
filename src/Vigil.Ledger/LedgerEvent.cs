using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Vigil.Ledger;

/// <summary>What a privileged action was done to: a type (such as <c>case</c>) and an identifier.</summary>
public readonly record struct LedgerSubject(string Type, string Id);

/// <summary>
/// A privileged action to record: who (actor, in which role) did what (action) to what (subject) and why (reason).
/// Payloads are never recorded, only their SHA-256 (see <see cref="HashPayload"/>). The ledger adds the time.
/// </summary>
public sealed record LedgerEvent(string Actor, string Role, string Action, LedgerSubject Subject, string Reason, byte[]? PayloadSha256 = null)
{
    /// <summary>Longest accepted actor, role, action, subject type or subject id, in UTF-16 code units.</summary>
    public const int MaxNameLength = 256;

    /// <summary>Longest accepted reason, in UTF-16 code units.</summary>
    public const int MaxReasonLength = 4096;

    /// <summary>Value equality, the payload hash compared by content.</summary>
    public bool Equals(LedgerEvent? other) =>
        other is not null
        && string.Equals(Actor, other.Actor, StringComparison.Ordinal)
        && string.Equals(Role, other.Role, StringComparison.Ordinal)
        && string.Equals(Action, other.Action, StringComparison.Ordinal)
        && Subject == other.Subject
        && string.Equals(Reason, other.Reason, StringComparison.Ordinal)
        && (PayloadSha256 ?? []).AsSpan().SequenceEqual(other.PayloadSha256 ?? []) && (PayloadSha256 is null) == (other.PayloadSha256 is null);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Actor, Role, Action, Subject, Reason);

    /// <summary>The SHA-256 of a payload, the only trace of user content a ledger entry may hold.</summary>
    public static byte[] HashPayload(ReadOnlySpan<byte> payload) => SHA256.HashData(payload);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        CheckText(Actor, "actor", MaxNameLength, allowEmpty: false);
        CheckText(Role, "role", MaxNameLength, allowEmpty: false);
        CheckText(Action, "action", MaxNameLength, allowEmpty: false);
        CheckText(Subject.Type, "subject.type", MaxNameLength, allowEmpty: false);
        CheckText(Subject.Id, "subject.id", MaxNameLength, allowEmpty: false);
        CheckText(Reason, "reason", MaxReasonLength, allowEmpty: false);
        if (PayloadSha256 is not null && PayloadSha256.Length != 32)
        {
            throw new ArgumentException($"payloadSha256 is {PayloadSha256.Length} bytes; a SHA-256 is 32.", "payloadSha256");
        }
    }

    private static void CheckText(string? value, string field, int maxLength, bool allowEmpty)
    {
        if (value is null || (!allowEmpty && value.Length == 0))
        {
            throw new ArgumentException($"{field} is required.", field);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"{field} is {value.Length} characters; at most {maxLength} are allowed.", field);
        }

        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException($"{field} has an unpaired surrogate at position {i}.", field);
            }
        }
    }
}

/// <summary>A recorded entry: the event, the time the ledger recorded it, its index and its canonical bytes.</summary>
public sealed record LedgerEntry(long Index, LedgerEvent Event, DateTimeOffset Time, byte[] CanonicalJson)
{
    /// <summary>Parses an entry's stored canonical JSON; throws <see cref="InvalidDataException"/> naming the bad field.</summary>
    public static LedgerEntry Parse(long index, byte[] canonicalJson)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(canonicalJson);
            JsonElement root = doc.RootElement;
            string Field(JsonElement e, string name) =>
                e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String
                    ? v.GetString()!
                    : throw new InvalidDataException($"Entry {index}: field '{name}' is missing or not a string.");

            if (!root.TryGetProperty("subject", out JsonElement subject) || subject.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"Entry {index}: field 'subject' is missing or not an object.");
            }

            byte[]? payload = root.TryGetProperty("payloadSha256", out JsonElement p)
                ? Convert.FromHexString(p.GetString() ?? "")
                : null;
            var e = new LedgerEvent(Field(root, "actor"), Field(root, "role"), Field(root, "action"),
                new LedgerSubject(Field(subject, "type"), Field(subject, "id")), Field(root, "reason"), payload);
            DateTimeOffset time = DateTimeOffset.ParseExact(Field(root, "time"), Vigil.Ledger.CanonicalJson.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            return new LedgerEntry(index, e, time, canonicalJson);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw new InvalidDataException($"Entry {index} is not valid ledger JSON: {ex.Message}", ex);
        }
    }
}

/// <summary>
/// The canonical JSON of an entry (an RFC 8785 JCS subset): keys sorted by UTF-16 code unit, no whitespace,
/// strings with only the escapes JCS requires, no numbers other than the small integer version.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The format of <c>time</c>: UTC, milliseconds, a literal Z.</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Version of the entry schema, written as <c>"v"</c>.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Writes the canonical JSON of an event recorded at <paramref name="time"/>.</summary>
    public static void Write(LedgerEvent e, DateTimeOffset time, IBufferWriter<byte> output)
    {
        // Keys in JCS order: action, actor, payloadSha256, reason, role, subject{id, type}, time, v.
        Raw(output, "{\"action\":");
        String(output, e.Action);
        Raw(output, ",\"actor\":");
        String(output, e.Actor);
        if (e.PayloadSha256 is not null)
        {
            Raw(output, ",\"payloadSha256\":\"");
            Raw(output, Convert.ToHexStringLower(e.PayloadSha256));
            Raw(output, "\"");
        }

        Raw(output, ",\"reason\":");
        String(output, e.Reason);
        Raw(output, ",\"role\":");
        String(output, e.Role);
        Raw(output, ",\"subject\":{\"id\":");
        String(output, e.Subject.Id);
        Raw(output, ",\"type\":");
        String(output, e.Subject.Type);
        Raw(output, "},\"time\":\"");
        Raw(output, time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        Raw(output, "\",\"v\":");
        Raw(output, SchemaVersion.ToString(CultureInfo.InvariantCulture));
        Raw(output, "}");
    }

    /// <summary>The canonical JSON of an event recorded at <paramref name="time"/>, as a new array.</summary>
    public static byte[] Serialize(LedgerEvent e, DateTimeOffset time)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(e, time, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Raw(IBufferWriter<byte> output, string ascii)
    {
        Span<byte> span = output.GetSpan(ascii.Length);
        int n = Encoding.ASCII.GetBytes(ascii, span);
        output.Advance(n);
    }

    private static void String(IBufferWriter<byte> output, string value)
    {
        Raw(output, "\"");
        int start = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            string? escape = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => null,
            };
            if (escape is null)
            {
                continue;
            }

            Utf8(output, value.AsSpan(start, i - start));
            Raw(output, escape);
            start = i + 1;
        }

        Utf8(output, value.AsSpan(start));
        Raw(output, "\"");
    }

    private static void Utf8(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        Span<byte> span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
