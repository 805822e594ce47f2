namespace Vigil.Hashing.Files;

/// <summary>
/// The cryptographic digests of one file or stream, as hash lists exchange them.
/// </summary>
/// <param name="Md5Hex">MD5 as 32 lowercase hex digits (kept for matching against MD5 hash lists, not for integrity).</param>
/// <param name="Sha256Hex">SHA-256 as 64 lowercase hex digits.</param>
/// <param name="Length">Number of bytes digested.</param>
public readonly record struct FileDigest(string Md5Hex, string Sha256Hex, long Length)
{
    /// <summary>The SHA-256 digest as a <see cref="Hash256"/>.</summary>
    public Hash256 Sha256 => Hash256.Parse(Sha256Hex);
}
