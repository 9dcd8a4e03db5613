using System.Buffers;

namespace IpamCleanup.Kubernetes;

/// <summary>A response body read into a rented array; dispose returns the array to the pool.</summary>
internal sealed class PooledBuffer : IDisposable
{
    private byte[]? _array;

    private PooledBuffer(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public static PooledBuffer Empty => new([], 0);

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(PooledBuffer))).AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => Memory.Span;

    public static async Task<PooledBuffer> ReadAsync(Stream stream, long? contentLength, CancellationToken cancellationToken)
    {
        var size = contentLength is > 0 and < int.MaxValue ? (int)contentLength.Value + 1 : 64 * 1024;
        var array = ArrayPool<byte>.Shared.Rent(size);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == array.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(checked(array.Length * 2));
                    Buffer.BlockCopy(array, 0, larger, 0, length);
                    ArrayPool<byte>.Shared.Return(array);
                    array = larger;
                }

                var read = await stream.ReadAsync(array.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new PooledBuffer(array, length);
                }

                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(array);
            throw;
        }
    }

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
