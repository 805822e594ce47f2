using System.Buffers.Binary;

namespace Vigil.Hashing.Tests.Files;

/// <summary>
/// A read-only stream of <see cref="Length"/> pseudo-random bytes produced on the fly (SplitMix64 of
/// the 8-byte block index), so hundreds of megabytes can be digested without holding them in memory.
/// </summary>
internal sealed class GeneratedStream(long length, ulong seed, int maxChunk = int.MaxValue) : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(Math.Min(buffer.Length, maxChunk), length - _position);
        if (count <= 0)
        {
            return 0;
        }
        Span<byte> block = stackalloc byte[8];
        var i = 0;
        // Whole aligned blocks are written straight into the buffer; only the ragged ends go through a scratch block.
        while (i < count)
        {
            var position = _position + i;
            var within = (int)(position & 7);
            if (within == 0 && count - i >= 8)
            {
                var blocks = (count - i) >> 3;
                var index = position >> 3;
                var target = buffer[i..];
                for (var b = 0; b < blocks; b++)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(target[(b << 3)..], Block(index + b));
                }
                i += blocks << 3;
                continue;
            }
            BinaryPrimitives.WriteUInt64LittleEndian(block, Block(position >> 3));
            var take = Math.Min(8 - within, count - i);
            block.Slice(within, take).CopyTo(buffer[i..]);
            i += take;
        }
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private ulong Block(long index)
    {
        var z = seed + ((ulong)(index + 1) * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
