using Vigil.Hashing.Index;

namespace Vigil.Hashing.Tests.Index;

public class HashFileTests
{
    private const string Hex = "f162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c95";

    [Fact]
    public void ReadHex_TakesTheFirstField_AndSkipsBlankAndCommentLines()
    {
        var text = $"# header\n{Hex} 100 extra\n\n  {Hex.ToUpperInvariant()}\tq=90\n";
        var hashes = HashFile.ReadHex(new StringReader(text));
        Assert.Equal([Hash256.Parse(Hex), Hash256.Parse(Hex)], hashes);
    }

    [Theory]
    [InlineData("abc", "haystack:2: field 1 (hash): a 256-bit hash has 64 hex digits, got 3 characters")]
    [InlineData("g162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c95", "haystack:2: field 1 (hash): invalid hex digit 'g' at position 1")]
    public void ReadHex_RejectsBadLines_WithLineNumberAndField(string bad, string message)
    {
        var error = Assert.Throws<FormatException>(() => HashFile.ReadHex(new StringReader($"{Hex}\n{bad} 3\n"), "haystack"));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void RawRecords_RoundTrip_AndRejectATruncatedFile()
    {
        var random = new Random(5);
        var hashes = Enumerable.Range(0, 5000).Select(_ => IndexTestData.RandomHash(random)).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"vigil-hashfile-{Guid.NewGuid():N}.bin");
        try
        {
            HashFile.WriteRaw(path, hashes);
            Assert.Equal(hashes.Length * 32L, new FileInfo(path).Length);
            Assert.Equal(hashes, HashFile.ReadRaw(path));
            var first = new byte[32];
            hashes[0].WriteBytes(first);
            Assert.Equal(first, File.ReadAllBytes(path)[..32]);
            File.WriteAllBytes(path, new byte[33]);
            var error = Assert.Throws<InvalidDataException>(() => HashFile.ReadRaw(path));
            Assert.Contains("33 bytes is not a whole number of 32-byte hash records", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
