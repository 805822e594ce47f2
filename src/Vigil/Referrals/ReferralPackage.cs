using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Ingest;
using Vigil.Pipeline;
using Vigil.Signing;
using Vigil.Storage;

namespace Vigil.Referrals;

/// <summary>A sealed evidence package: the bytes POSTed to the authority and kept for its portal.</summary>
public sealed record SealedPackage(byte[] Bytes, byte[] Sha256, bool Encrypted)
{
    /// <summary>The media type of the bytes (RFC 8551 smime-type parameter).</summary>
    public string ContentType => Encrypted ? "application/pkcs7-mime; smime-type=enveloped-data" : "application/pkcs7-mime; smime-type=signed-data";
}

/// <summary>
/// Builds a referral's evidence package (JSON, schema <c>vigil.referral/1</c> in docs/referrals.md), signs it with
/// the platform key (CMS SignedData) and, when the authority registered an encryption certificate, encrypts the
/// signed package to it (CMS EnvelopedData, AES-256-CBC, RSA-OAEP key transport).
/// </summary>
public static class ReferralPackage
{
    public const string Schema = "vigil.referral/1";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    /// <summary>The package JSON of <paramref name="referral"/> for <paramref name="authority"/>, as of <paramref name="now"/>.</summary>
    public static async Task<byte[]> BuildJsonAsync(VigilDb db, Referral referral, Authority authority, DateTimeOffset now, int recentHistory, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(authority);
        var item = await db.IngestItems.AsNoTracking().SingleAsync(i => i.Id == referral.IngestItemId, ct);
        var platform = await db.Platforms.AsNoTracking().Where(p => p.Id == item.PlatformId).Select(p => p.Name).SingleAsync(ct);
        var account = await db.PlatformAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.PlatformId == item.PlatformId && a.AccountId == item.AccountId, ct);
        var subscriber = await db.SubscriberRecords.AsNoTracking()
            .Where(s => s.PlatformId == item.PlatformId && s.AccountId == item.AccountId)
            .OrderByDescending(s => s.RecordedAt).FirstOrDefaultAsync(ct);
        var decisions = await db.Decisions.AsNoTracking().Where(d => d.IngestItemId == item.Id).OrderBy(d => d.Id).ToListAsync(ct);
        var reports = await db.UserReports.AsNoTracking().Where(r => r.IngestItemId == item.Id).OrderBy(r => r.Id).ToListAsync(ct);
        var history = await db.IngestItems.AsNoTracking()
            .Where(i => i.PlatformId == item.PlatformId && i.AccountId == item.AccountId && i.Id != item.Id && i.ReceivedAt <= item.ReceivedAt)
            .OrderByDescending(i => i.ReceivedAt).Take(recentHistory).ToListAsync(ct);
        var preservation = await db.Preservations.AsNoTracking()
            .Where(p => p.IngestItemId == item.Id && p.ExpiresAt > now)
            .OrderByDescending(p => p.ExpiresAt).FirstOrDefaultAsync(ct);

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("generated_at", now);
            w.WriteStartObject("referral");
            w.WriteNumber("id", referral.Id);
            w.WriteString("created_at", referral.CreatedAt);
            w.WriteString("created_by", referral.CreatedBy ?? "pipeline");
            w.WriteString("reason", referral.Reason);
            WriteNullable(w, "rule_id", referral.RuleId);
            WriteNullable(w, "country", referral.AuthorityCountry);
            w.WriteString("legal_basis", "Regulation (EU) 2022/2065 (Digital Services Act), Article 18");
            w.WriteStartObject("authority");
            w.WriteString("code", authority.Code);
            w.WriteString("name", authority.Name);
            w.WriteString("country", authority.CountryCode);
            w.WriteEndObject();
            WriteNullable(w, "chosen_by", referral.ChosenBy);
            w.WriteEndObject();
            w.WriteStartObject("platform");
            w.WriteNumber("id", item.PlatformId);
            w.WriteString("name", platform);
            w.WriteEndObject();
            w.WritePropertyName("content");
            WriteItem(w, item, withMetadata: true);
            WriteAccount(w, item, account, subscriber);
            w.WriteStartObject("context");
            w.WriteStartArray("decisions");
            foreach (var d in decisions)
            {
                w.WriteStartObject();
                w.WriteNumber("id", d.Id);
                w.WriteString("decided_at", d.DecidedAt);
                w.WriteString("rules_version", d.RulesVersion);
                WriteRaw(w, "fired_rules", d.FiredRules);
                WriteRaw(w, "enforced_actions", d.EnforcedActions);
                WriteRaw(w, "signals", d.Signals);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("user_reports");
            foreach (var r in reports)
            {
                // The reporter's account id is a third party's data and not needed to act on the threat.
                w.WriteStartObject();
                w.WriteString("report_id", r.ReportId);
                w.WriteString("reason", r.Reason);
                w.WriteString("received_at", r.ReceivedAt);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("recent_items");
            foreach (var h in history)
            {
                WriteItem(w, h, withMetadata: false);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            if (preservation is null)
            {
                w.WriteNull("preservation");
            }
            else
            {
                w.WriteStartObject("preservation");
                w.WriteNumber("id", preservation.Id);
                w.WriteString("preserved_at", preservation.PreservedAt);
                w.WriteString("expires_at", preservation.ExpiresAt);
                w.WriteString("reason", preservation.Reason);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Signs <paramref name="json"/> (CMS SignedData, content embedded) and, when <paramref name="encryptionCertificatePem"/>
    /// is given, encrypts the signed bytes to it. Throws <see cref="CryptographicException"/> for a certificate that
    /// cannot be used (not PEM, no RSA key).
    /// </summary>
    public static SealedPackage Seal(byte[] json, PlatformSigning signing, string? encryptionCertificatePem, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(signing);
        var signed = signing.SignCms(json, detached: false, now);
        if (string.IsNullOrWhiteSpace(encryptionCertificatePem))
        {
            return new SealedPackage(signed, SHA256.HashData(signed), Encrypted: false);
        }
        using var cert = X509Certificate2.CreateFromPem(encryptionCertificatePem);
        using (var rsa = cert.GetRSAPublicKey())
        {
            if (rsa is null)
            {
                throw new CryptographicException("the authority's encryption certificate has no RSA key (CMS key transport needs RSA)");
            }
        }
        var bytes = CmsEnvelope.Encrypt(signed, cert);
        return new SealedPackage(bytes, SHA256.HashData(bytes), Encrypted: true);
    }

    private static void WriteItem(Utf8JsonWriter w, IngestItem item, bool withMetadata)
    {
        w.WriteStartObject();
        w.WriteString("item_id", item.ItemId);
        w.WriteString("type", item.Type);
        w.WriteString("account_id", item.AccountId);
        w.WriteString("created_at", item.CreatedAt);
        w.WriteString("received_at", item.ReceivedAt);
        w.WriteBoolean("e2ee", item.E2ee);
        // End-to-end encrypted messages carry metadata only: a body is never sent, even if one were stored.
        if (!item.E2ee && item.Text is { } text)
        {
            w.WriteString("text", text);
        }
        if (item.ImageSha256 is { } sha)
        {
            w.WriteStartObject("image");
            w.WriteString("sha256", Convert.ToHexStringLower(sha));
            if (!item.E2ee && item.Image is { } image)
            {
                w.WriteBase64String("base64", image);
            }
            w.WriteEndObject();
        }
        if (withMetadata && item.Metadata is { } metadata)
        {
            WriteRaw(w, "metadata", metadata);
        }
        w.WriteEndObject();
    }

    private static void WriteAccount(Utf8JsonWriter w, IngestItem item, PlatformAccount? account, Records.SubscriberRecord? subscriber)
    {
        w.WriteStartObject("account");
        w.WriteString("account_id", item.AccountId);
        w.WriteNumber("strikes", account?.Strikes ?? 0);
        if (account?.SuspendedAt is { } suspended)
        {
            w.WriteString("suspended_at", suspended);
        }
        else
        {
            w.WriteNull("suspended_at");
        }
        WriteNullable(w, "country", account?.Country);
        if (subscriber is null)
        {
            w.WriteNull("subscriber");
        }
        else
        {
            w.WriteStartObject("subscriber");
            WriteNullable(w, "username", subscriber.Username);
            WriteNullable(w, "names_given", subscriber.NamesGiven);
            WriteNullable(w, "email", subscriber.Email);
            WriteNullable(w, "phone", subscriber.Phone);
            w.WriteString("account_created_at", subscriber.AccountCreatedAt);
            WriteNullable(w, "country", subscriber.Country);
            w.WriteString("recorded_at", subscriber.RecordedAt);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>Stored JSON is embedded as JSON; anything that does not parse is embedded as a string instead.</summary>
    private static void WriteRaw(Utf8JsonWriter w, string name, string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            w.WritePropertyName(name);
            doc.RootElement.WriteTo(w);
        }
        catch (JsonException)
        {
            w.WriteString(name, json);
        }
    }

    /// <summary>Invariant text of a number for headers and pages.</summary>
    internal static string I(long n) => n.ToString(CultureInfo.InvariantCulture);
}
