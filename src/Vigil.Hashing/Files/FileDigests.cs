using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Vigil.Hashing.Files;

/// <summary>
/// Computes MD5 and SHA-256 of a file or stream in one streaming pass, in constant memory.
/// </summary>
/// <remarks>
/// One read feeds both digests, so a file is read once however large it is. The read buffer is a
/// fixed 64 KiB rented from the shared pool: memory use does not grow with the input.
/// </remarks>
public static class FileDigests
{
    /// <summary>Size of the read buffer: large enough to amortise the read calls, small enough to stay out of the LOH.</summary>
    public const int BufferSize = 64 * 1024;

    /// <summary>Digests the rest of <paramref name="stream"/> (from its current position to its end).</summary>
    /// <exception cref="ArgumentException">The stream cannot be read.</exception>
    public static FileDigest Compute(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        EnsureReadable(stream);
        using var digests = new DigestPair();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, BufferSize)) > 0)
            {
                digests.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return digests.Finish();
    }

    /// <summary>Digests the rest of <paramref name="stream"/> asynchronously.</summary>
    /// <exception cref="ArgumentException">The stream cannot be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<FileDigest> ComputeAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        EnsureReadable(stream);
        using var digests = new DigestPair();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                digests.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return digests.Finish();
    }

    /// <summary>Digests the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">A directory on the path does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a directory, or reading failed.</exception>
    public static FileDigest Compute(string path)
    {
        using var stream = OpenForDigest(path);
        return Compute(stream);
    }

    /// <summary>Digests the file at <paramref name="path"/> asynchronously.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">A directory on the path does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a directory, or reading failed.</exception>
    public static async Task<FileDigest> ComputeAsync(string path, CancellationToken cancellationToken = default)
    {
        var stream = OpenForDigest(path, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            return await ComputeAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    private static FileStream OpenForDigest(string path, FileOptions options = FileOptions.SequentialScan)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        // Opening a directory fails on Linux with "access denied", which sends people chasing permissions.
        if (Directory.Exists(path))
        {
            throw new IOException($"Cannot digest '{path}': it is a directory, not a file.");
        }
        // bufferSize 0: the digest loop has its own buffer, a second one would only copy.
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, options);
    }

    private static void EnsureReadable(Stream stream)
    {
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read (CanRead is false).", nameof(stream));
        }
    }

    private sealed class DigestPair : IDisposable
    {
        // MD5 is weak for integrity, but the industry hash lists (e.g. shared terrorist-content lists) key on it.
        [SuppressMessage("Security", "CA5351", Justification = "MD5 is computed for matching against MD5 hash lists, never for integrity.")]
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public void Append(ReadOnlySpan<byte> data)
        {
            _md5.AppendData(data);
            _sha256.AppendData(data);
            _length += data.Length;
        }

        public FileDigest Finish()
        {
            Span<byte> md5 = stackalloc byte[16];
            Span<byte> sha256 = stackalloc byte[32];
            _md5.GetHashAndReset(md5);
            _sha256.GetHashAndReset(sha256);
            return new FileDigest(Convert.ToHexStringLower(md5), Convert.ToHexStringLower(sha256), _length);
        }

        public void Dispose()
        {
            _md5.Dispose();
            _sha256.Dispose();
        }
    }
}
