using System.Globalization;
using CsCheck;
using Vigil.Hashing.Text;

namespace Vigil.Hashing.Tests.Text;

public class TextNormalizerTests
{
    [Theory]
    [InlineData("Hello, World!", "hello world")]
    [InlineData("\uFF28\uFF25\uFF2C\uFF2C\uFF2F\u3000\uFF37\uFF4F\uFF52\uFF4C\uFF44", "hello world")] // fullwidth
    [InlineData("\U0001D401\U0001D428\U0001D425\U0001D41D", "bold")] // mathematical bold
    [InlineData("\uFB01ne", "fine")] // ligature
    [InlineData("stra\u00DFe STRA\u1E9EE", "strasse strasse")]
    [InlineData("\u039B\u038C\u0393\u039F\u03A3 \u03BB\u03CC\u03B3\u03BF\u03C2", "\u03BBoyo\u03C3 \u03BBoyo\u03C3")] // final sigma, tonos stripped, gamma looks like y
    [InlineData("h\u200Be\u200Cl\u200Dl\u2060o\uFEFF w\u00ADo\u2062r\uFE0Fl\u2064d", "hello world")]
    [InlineData("\u0441\u043E\u0440\u0443 \u0440\u0430\u0455\u0455", "copy pass")] // Cyrillic look-alikes
    [InlineData("\u03BF\u03B1\u03BD\u03C1\u03C4\u03B9\u03BA", "oavptik")] // Greek look-alikes
    [InlineData("\u0456\u0458\u0501\u0261", "ijdg")]
    [InlineData("\u0397\u0395\u039B\u039B\u039F \u03B7", "he\u03BB\u03BBo n")] // capital eta looks like H, small eta like n
    [InlineData("h3ll0 w0rld", "hello world")]
    [InlineData("p@$$w0rd 7h1s", "password this")]
    [InlineData("1s 4ll 4nd", "is all and")]
    [InlineData("in 2024 we were 10 people", "in 2024 we were 10 people")]
    [InlineData("the 21st century, the 1990s, the 3rd and 11th", "the 21st century the 1990s the 3rd and 11th")]
    [InlineData("$100 or 5$", "100 or 5")]
    [InlineData("Stop!!! Now!", "stop now")]
    [InlineData("h!story", "history")]
    [InlineData("Z\u0336\u0322a\u0338l\u0337g\u0335o\u0489", "zalgo")]
    [InlineData("caf\u00E9 cafe\u0301 \u00C5ngstr\u00F6m \u212Bngstr\u00F6m", "cafe cafe angstrom angstrom")]
    [InlineData("\u0130stanbul", "istanbul")]
    [InlineData("\u2460\u2461 \u00BD", "12 1 2")]
    [InlineData("a\tb\r\nc\u2028d\u00A0e\u3000f", "a b c d e f")]
    [InlineData("  spaced   out  ", "spaced out")]
    [InlineData("don't -- stop... \"now\"", "don t stop now")]
    [InlineData("emoji \U0001F600 here \u2764\uFE0F", "emoji here")]
    [InlineData("a\u0000b\u0007c", "abc")] // controls are not separators
    [InlineData("2024\u5E74", "2024\u5E74")] // no Latin letter: digits stay
    [InlineData("\u0939\u093F\u0928\u094D\u0926\u0940", "\u0939\u093F\u0928\u094D\u0926\u0940")] // Devanagari marks carry meaning: kept
    [InlineData("\uAC00\uD7A3", "\uAC00\uD7A3")] // Hangul syllables decompose and recompose
    [InlineData("\uFF76\uFF9E", "\u30AC")] // halfwidth katakana + voiced mark compose (kana marks kept)
    [InlineData("\U00010041\U00010061", "\U00010041\U00010061")] // supplementary letters are not ASCII letters in disguise
    [InlineData("", "")]
    [InlineData("!!! ... ???", "")]
    public void Normalize_FoldsObfuscationsToCanonicalForm(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Fact]
    public void Normalize_DropsLoneSurrogates()
    {
        // Not an InlineData: attribute strings are stored as UTF-8, which turns lone surrogates into U+FFFD.
        var text = new string(['a', '\uD800', 'b', ' ', '\uDC00', 'c', '\uD83D']);
        Assert.Equal("ab c", TextNormalizer.Normalize(text));
    }

    [Fact]
    public void Normalize_ReturnsSameInstanceForNormalisedText()
    {
        const string text = "already normal text";
        Assert.Same(text, TextNormalizer.Normalize(text));
    }

    [Fact]
    public void Normalize_AllocatesOnlyTheResultForAsciiText()
    {
        var text = TextCorpus.Manifesto;
        TextNormalizer.Normalize(text); // warm the pools
        // The least of three calls: the runtime may allocate on this thread once while it re-tiers the code.
        var result = text;
        var allocated = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            result = TextNormalizer.Normalize(text);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.InRange(allocated, 1, (result.Length * 2) + 64);
    }

    [Fact]
    public void Normalize_RejectsNull() => Assert.Throws<ArgumentNullException>(() => TextNormalizer.Normalize(null!));

    [Fact]
    public void Nfkc_MatchesReferenceVectors()
    {
        var path = Path.Combine(RepositoryRoot(), "test", "Vigil.Hashing.Tests", "Text", "nfkc-vectors.txt");
        var lines = File.ReadAllLines(path);
        var checkedCount = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('#'))
            {
                continue;
            }
            var parts = lines[i].Split(';');
            var input = ParseCodePoints(parts[0]);
            var expected = ParseCodePoints(parts[1]);
            var actual = UnicodeNormalization.ToNfkc(input);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"line {i + 1}: NFKC({parts[0]}) expected {parts[1]}, got {string.Join(' ', actual.Select(c => c.ToString("X", CultureInfo.InvariantCulture)))}");
            checkedCount++;
        }
        Assert.True(checkedCount > 3000, $"only {checkedCount} vectors read from {path}");
    }

    private static readonly Gen<string> HostileText = Gen.OneOf(
            Gen.Char.Select(c => c.ToString()),
            Gen.Char['\uD800', '\uDFFF'].Select(c => c.ToString()),
            Gen.Char["aeioupcxy01345789@$!.,;- \t\n\u00DF\u03C2\u03A3\u0130\u0131\u1E9E\u01C5"].Select(c => c.ToString()),
            Gen.Char["\u0300\u0301\u0308\u0327\u0336\u0489\u093F\u094D\u3099\u309A\u0654\u05B0\u0F71\u0F72\u0F80"].Select(c => c.ToString()),
            Gen.Char["\u200B\u200D\u2060\uFEFF\u00AD\uFE0F\u3164\u115F\u180E\u202E"].Select(c => c.ToString()),
            Gen.Char["\u0430\u0435\u043E\u0440\u0441\u0391\u0397\u03B7\u03BF\uFF21\uFF41\uFF10\u2460\uFB01\u1100\u1161\u11A8\uAC00\uFF76\uFF9E\u0F73\u1E9B"].Select(c => c.ToString()),
            // Supplementary code points: mathematical letters, emoji, tags, variation selectors, anything.
            Gen.OneOf(Gen.Int[0x10000, 0x10FFFF], Gen.Int[0x1D400, 0x1D7FF], Gen.Int[0xE0000, 0xE01EF], Gen.Int[0x1F300, 0x1FAFF]).Select(char.ConvertFromUtf32))
        .Array[0, 60]
        .Select(string.Concat);

    [Fact]
    public void Normalize_IsIdempotentAndNeverThrows_OnArbitraryStrings() =>
        HostileText.Sample(text =>
        {
            var once = TextNormalizer.Normalize(text);
            var twice = TextNormalizer.Normalize(once);
            Assert.Equal(once, twice);
        }, iter: 20_000, print: Escape);

    [Fact]
    public void Normalize_OutputHasNoEdgeOrDoubleSpaces_OnArbitraryStrings() =>
        HostileText.Sample(text =>
        {
            var normalized = TextNormalizer.Normalize(text);
            Assert.DoesNotContain("  ", normalized, StringComparison.Ordinal);
            Assert.False(normalized.StartsWith(' ') || normalized.EndsWith(' '), "untrimmed");
        }, iter: 5_000, print: Escape);

    [Fact]
    public void Normalize_HandlesVeryLongHostileString()
    {
        var random = new Random(7);
        var chars = new char[1_000_000];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (i % 5) switch
            {
                0 => (char)random.Next(0, 0x10000),
                1 => "\u0301\u0336\u200B\u0430\uD800"[random.Next(5)],
                _ => (char)random.Next('a', 'z' + 1),
            };
        }
        var once = TextNormalizer.Normalize(new string(chars));
        Assert.True(once.Length > 500_000, $"unexpectedly short: {once.Length}");
        Assert.Equal(once, TextNormalizer.Normalize(once));
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}"));

    private static int[] ParseCodePoints(string hex) =>
        hex.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException($"no Vigil.slnx above {AppContext.BaseDirectory}");
    }
}
