using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SkiaSharp;
using Vigil.Demo;

namespace Vigil.Bench;

/// <summary>What kind of content a generated event is (for the summaries).</summary>
public enum TrafficKind
{
    Post,
    Comment,
    DirectMessage,
    E2eeDirectMessage,
    Threat,
    ManifestoNearDuplicate,
    Image,
    BankRepost,
}

/// <summary>The shares of the generated traffic.</summary>
/// <param name="ImageShare">Share of image events; the rest is text.</param>
/// <param name="BankRepostShare">Share of images that are altered re-posts of the demo's bank posters.</param>
/// <param name="ThreatShare">Share of text events that are threats naming a country.</param>
/// <param name="ManifestoShare">Share of text events that are near-duplicates of the demo manifesto.</param>
/// <param name="DirectMessageShare">Share of the other text events that are direct messages.</param>
/// <param name="E2eeShare">Share of direct messages that are end-to-end encrypted (metadata only, no body).</param>
public sealed record TrafficMix(
    double ImageShare = 0.2,
    double BankRepostShare = 0.25,
    double ThreatShare = 0.02,
    double ManifestoShare = 0.01,
    double DirectMessageShare = 0.2,
    double E2eeShare = 0.5)
{
    /// <summary>Throws when a share is outside 0..1.</summary>
    public void Validate()
    {
        foreach (var (name, v) in new[] { ("image share", ImageShare), ("bank re-post share", BankRepostShare), ("threat share", ThreatShare),
                     ("manifesto share", ManifestoShare), ("direct message share", DirectMessageShare), ("e2ee share", E2eeShare) })
        {
            if (!(v is >= 0 and <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(TrafficMix), v, $"the {name} must be between 0 and 1");
            }
        }
        if (ThreatShare + ManifestoShare > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TrafficMix), ThreatShare + ManifestoShare, "threat and manifesto shares add up to more than 1");
        }
    }
}

/// <summary>
/// Pre-encoded JPEGs for the generator (encoding is done once, so the generator is not the bottleneck): altered
/// re-posts of the demo's bank posters (crop, rescale, recompress, colour shift, overlay) and unrelated pictures.
/// Each image is kept as its quoted base64 JSON string.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394", Justification = "Seeded generation of test traffic, not security.")]
public sealed class TrafficImagePool
{
    private TrafficImagePool(List<byte[]> reposts, List<byte[]> unrelated, long totalBytes, int count)
    {
        Reposts = reposts;
        Unrelated = unrelated;
        AverageJpegBytes = count == 0 ? 0 : totalBytes / count;
    }

    internal IReadOnlyList<byte[]> Reposts { get; }

    internal IReadOnlyList<byte[]> Unrelated { get; }

    /// <summary>Mean size of the encoded JPEGs, before base64.</summary>
    public long AverageJpegBytes { get; }

    /// <summary>Generates <paramref name="reposts"/> bank re-posts and <paramref name="unrelated"/> unrelated images (each at least 1).</summary>
    public static TrafficImagePool Create(int reposts, int unrelated, int seed)
    {
        reposts = Math.Max(1, reposts);
        unrelated = Math.Max(1, unrelated);
        var rng = new Random(seed);
        long total = 0;
        var r = new List<byte[]>(reposts);
        // The last poster is the demo's known false positive (vetoed by the negative bank); re-post the others.
        var posters = new SKBitmap?[DemoBanks.Posters - 1];
        try
        {
            for (int i = 0; i < reposts; i++)
            {
                int p = i % posters.Length;
                posters[p] ??= DemoImages.Poster(DemoBanks.PosterSeed(p));
                var source = posters[p]!;
                using var altered = (i / posters.Length % 5) switch
                {
                    0 => DemoImages.Crop(source, 0.015),
                    1 => DemoImages.Rescale(source, 0.6),
                    2 => source.Copy(),
                    3 => DemoImages.ColourShift(source),
                    _ => DemoImages.TextOverlay(source),
                };
                var jpeg = DemoImages.Jpeg(altered, i / posters.Length % 5 == 2 ? 40 : 92);
                total += jpeg.Length;
                r.Add(Quoted(jpeg));
            }
        }
        finally
        {
            foreach (var b in posters)
            {
                b?.Dispose();
            }
        }
        var u = new List<byte[]>(unrelated);
        for (int i = 0; i < unrelated; i++)
        {
            // 20 to 60 KB, like phone pictures re-encoded by a platform.
            using var photo = DemoImages.Poster(50_000 + seed + i, rng.Next(640, 1024), rng.Next(480, 768));
            var jpeg = DemoImages.Jpeg(photo, rng.Next(88, 97));
            total += jpeg.Length;
            u.Add(Quoted(jpeg));
        }
        return new TrafficImagePool(r, u, total, reposts + unrelated);
    }

    private static byte[] Quoted(byte[] jpeg) => Encoding.ASCII.GetBytes("\"" + Convert.ToBase64String(jpeg) + "\"");
}

/// <summary>
/// A seeded generator of platform traffic as <c>POST /api/v1/events</c> bodies: posts, comments and direct messages
/// (some end-to-end encrypted, with no body) of 50 to 500 characters, a few threats naming a country, manifesto
/// near-duplicates, and images (a share being re-posts of bank images). Item ids are unique per generator prefix.
/// Not thread-safe: one per client.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394", Justification = "Seeded generation of test traffic, not security.")]
public sealed class TrafficGenerator(TrafficImagePool images, TrafficMix mix, int seed, string idPrefix)
{
    private static readonly string[] Words =
    [
        "the", "a", "and", "to", "of", "in", "is", "it", "that", "for", "you", "was", "on", "with", "they", "be", "at", "this", "have", "from",
        "weekend", "coffee", "match", "game", "music", "photo", "holiday", "train", "weather", "rain", "sunny", "dinner", "recipe", "garden",
        "school", "exam", "birthday", "party", "friends", "family", "dog", "cat", "concert", "ticket", "news", "city", "park", "beach", "book",
        "film", "series", "episode", "season", "goal", "team", "coach", "bike", "run", "marathon", "morning", "evening", "tonight", "tomorrow",
        "really", "great", "awful", "funny", "lovely", "busy", "late", "early", "new", "old", "best", "worst", "favourite", "amazing", "boring",
        "shop", "market", "bread", "cheese", "pizza", "tea", "street", "bus", "traffic", "office", "meeting", "project", "deadline", "phone",
    ];

    private static readonly (string Name, string Code)[] Countries =
    [
        ("France", "FR"), ("Germany", "DE"), ("Belgium", "BE"), ("Spain", "ES"), ("Italy", "IT"), ("the Netherlands", "NL"), ("Sweden", "SE"),
        ("Austria", "AT"), ("Poland", "PL"), ("Ireland", "IE"),
    ];

    private static readonly string[] Targets = ["synagogue", "mosque", "church", "school", "train station", "concert hall", "town hall", "market"];

    private static readonly string[] ManifestoSentences = DemoTexts.Manifesto.Split(". ", StringSplitOptions.RemoveEmptyEntries);

    private readonly Random rng = new(seed);
    private readonly long[] counts = new long[Enum.GetValues<TrafficKind>().Length];
    private readonly StringBuilder text = new(600);
    private long next;

    /// <summary>Events generated so far, by kind.</summary>
    public IReadOnlyDictionary<TrafficKind, long> Counts =>
        Enum.GetValues<TrafficKind>().ToDictionary(k => k, k => counts[(int)k]);

    /// <summary>Events generated so far.</summary>
    public long Generated => next;

    /// <summary>Writes one batch body of <paramref name="count"/> new events to <paramref name="output"/>.</summary>
    public void WriteBatch(IBufferWriter<byte> output, int count, DateTimeOffset now)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        json.WriteStartObject();
        json.WriteStartArray("events");
        for (int i = 0; i < count; i++)
        {
            WriteEvent(json, now);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteEvent(Utf8JsonWriter json, DateTimeOffset now)
    {
        var id = idPrefix + (next++).ToString(CultureInfo.InvariantCulture);
        var account = "u" + rng.Next(100_000).ToString(CultureInfo.InvariantCulture);
        var created = now.AddSeconds(-rng.Next(0, 30));
        json.WriteStartObject();
        json.WriteString("item_id", id);
        if (rng.NextDouble() < mix.ImageShare)
        {
            bool repost = rng.NextDouble() < mix.BankRepostShare;
            var pool = repost ? images.Reposts : images.Unrelated;
            Count(repost ? TrafficKind.BankRepost : TrafficKind.Image);
            json.WriteString("type", "image");
            json.WriteString("account_id", account);
            json.WriteString("created_at", created);
            json.WritePropertyName("image_base64");
            json.WriteRawValue(pool[rng.Next(pool.Count)], skipInputValidation: true);
            if (rng.Next(2) == 0)
            {
                Caption();
                json.WriteString("text", text.ToString());
            }
            json.WriteEndObject();
            return;
        }
        double r = rng.NextDouble();
        string? country = rng.Next(3) == 0 ? Countries[rng.Next(Countries.Length)].Code : null;
        if (r < mix.ThreatShare)
        {
            var (name, code) = Countries[rng.Next(Countries.Length)];
            country = code;
            Count(TrafficKind.Threat);
            text.Clear().Append(CultureInfo.InvariantCulture,
                $"I am going to bomb the {Targets[rng.Next(Targets.Length)]} in {name} on {(rng.Next(2) == 0 ? "Friday" : "Sunday")}. ");
            text.Append(rng.Next(2) == 0 ? "Nobody will stop me this time and they will all pay." : "Everyone inside will die, I have the stuff ready.");
            WriteText(json, rng.Next(2) == 0 ? "post" : "comment", account, created, country);
        }
        else if (r < mix.ThreatShare + mix.ManifestoShare)
        {
            Count(TrafficKind.ManifestoNearDuplicate);
            ManifestoNearDuplicate();
            WriteText(json, "post", account, created, country);
        }
        else if (rng.NextDouble() < mix.DirectMessageShare)
        {
            if (rng.NextDouble() < mix.E2eeShare)
            {
                Count(TrafficKind.E2eeDirectMessage);
                json.WriteString("type", "direct_message");
                json.WriteString("account_id", account);
                json.WriteString("created_at", created);
                json.WriteBoolean("e2ee", true);
                json.WriteStartObject("metadata");
                json.WriteNumber("recipients", rng.Next(1, 5));
                json.WriteEndObject();
                json.WriteEndObject();
                return;
            }
            Count(TrafficKind.DirectMessage);
            Chatter(rng.Next(50, 501));
            WriteText(json, "direct_message", account, created, country);
        }
        else
        {
            bool post = rng.Next(3) > 0;
            Count(post ? TrafficKind.Post : TrafficKind.Comment);
            Chatter(rng.Next(50, 501));
            WriteText(json, post ? "post" : "comment", account, created, country);
        }
    }

    private void WriteText(Utf8JsonWriter json, string type, string account, DateTimeOffset created, string? country)
    {
        json.WriteString("type", type);
        json.WriteString("account_id", account);
        json.WriteString("created_at", created);
        json.WriteString("text", text.ToString());
        if (country is not null)
        {
            json.WriteStartObject("metadata");
            json.WriteString("country", country);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private void Count(TrafficKind kind) => counts[(int)kind]++;

    private void Chatter(int length)
    {
        text.Clear();
        while (text.Length < length)
        {
            var word = Words[rng.Next(Words.Length)];
            text.Append(text.Length == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
            text.Append(rng.Next(12) == 0 ? ". " : " ");
        }
        text.Length = length;
    }

    private void Caption() => Chatter(rng.Next(50, 140));

    /// <summary>The manifesto with sentences reordered, one dropped, and a few look-alike letters: what re-posters do.</summary>
    private void ManifestoNearDuplicate()
    {
        var sentences = ManifestoSentences.ToList();
        sentences.RemoveAt(rng.Next(sentences.Count));
        for (int i = sentences.Count - 1; i > 0; i--)
        {
            if (rng.Next(3) == 0)
            {
                int j = rng.Next(i + 1);
                (sentences[i], sentences[j]) = (sentences[j], sentences[i]);
            }
        }
        text.Clear().AppendJoin(". ", sentences);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == 'e' && rng.Next(8) == 0)
            {
                text[i] = '3';
            }
            else if (text[i] == 'o' && rng.Next(8) == 0)
            {
                text[i] = '\u043E';
            }
        }
    }
}
