using Vigil.Hashing.Pdq;

namespace Vigil.Hashing.Tests.Pdq;

public class PdqVectorTests
{
    public static TheoryData<string, string, int> ExactRows()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var r in Vectors.ReadTable(Path.Combine(Vectors.PdqRoot, "exact", "expected.tsv")))
        {
            data.Add(r[0], r[1], int.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture));
        }
        return data;
    }

    public static TheoryData<string, string> DihedralRows()
    {
        var data = new TheoryData<string, string>();
        foreach (var r in Vectors.ReadTable(Path.Combine(Vectors.PdqRoot, "exact", "dihedral.tsv")))
        {
            data.Add(r[0], r[1]);
        }
        return data;
    }

    public static TheoryData<string, string, int> FileRows()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var r in Vectors.ReadTable(Path.Combine(Vectors.PdqRoot, "files", "expected.tsv")))
        {
            var quality = int.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture);
            // The PDQ conformance rule applies to quality >= 80 (the table also lists expected.tsv itself at quality 0).
            if (quality >= 80)
            {
                data.Add(r[0], r[1], quality);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ExactRows))]
    public void HashFile_MatchesReferenceBitForBit(string file, string hex, int quality)
    {
        var result = PdqHasher.HashFile(Vectors.Exact(file));

        Assert.Equal(hex, result.Hash.ToString());
        Assert.Equal(quality, result.Quality);
    }

    [Theory]
    [MemberData(nameof(DihedralRows))]
    public void HashFileDihedral_MatchesReferenceEightHashes(string file, string hashes)
    {
        var expected = hashes.Split(' ');
        var result = PdqHasher.HashFileDihedral(Vectors.Exact(file));

        string[] actual =
        [
            result.Original.ToString(), result.Rotate90.ToString(), result.Rotate180.ToString(), result.Rotate270.ToString(),
            result.FlipX.ToString(), result.FlipY.ToString(), result.FlipPlus1.ToString(), result.FlipMinus1.ToString(),
        ];
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(FileRows))]
    public void HashFile_RealJpegs_WithinDistance10OfReference(string file, string hex, int quality)
    {
        var result = PdqHasher.HashFile(Vectors.Files(file));

        var distance = result.Hash.DistanceTo(Hash256.Parse(hex));
        Assert.True(distance <= 10, $"{file}: distance {distance} to the reference (quality {result.Quality}, reference {quality})");
        Assert.True(result.Quality >= 50, $"{file}: quality {result.Quality}");
    }
}
