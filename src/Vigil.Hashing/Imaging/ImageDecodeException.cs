namespace Vigil.Hashing.Imaging;

/// <summary>Why an image was refused.</summary>
public enum ImageDecodeError
{
    /// <summary>The file or buffer holds zero bytes.</summary>
    Empty,
    /// <summary>No decoder recognises the bytes.</summary>
    NotAnImage,
    /// <summary>The data ends before the image does.</summary>
    Truncated,
    /// <summary>The data is corrupt or uses a feature the decoder does not support.</summary>
    Corrupt,
    /// <summary>The declared dimensions are over <see cref="ImageLimits"/>.</summary>
    TooLarge,
    /// <summary>The image has more than one frame (animated GIF, WebP...).</summary>
    Animated,
    /// <summary>The file could not be read.</summary>
    Unreadable,
}

/// <summary>An image that cannot be hashed; the message names the source and the reason.</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates an exception for <paramref name="source"/> (a path or a caller-given name).</summary>
    public ImageDecodeException(string source, ImageDecodeError reason, string detail, Exception? inner = null)
        : base($"{source}: {detail}", inner)
    {
        SourceName = source;
        Reason = reason;
    }

    public ImageDecodeException()
        : this("image", ImageDecodeError.NotAnImage, "not an image")
    {
    }

    public ImageDecodeException(string message)
        : this("image", ImageDecodeError.NotAnImage, message)
    {
    }

    public ImageDecodeException(string message, Exception innerException)
        : this("image", ImageDecodeError.NotAnImage, message, innerException)
    {
    }

    /// <summary>The path or name of the refused image.</summary>
    public string SourceName { get; }

    /// <summary>Why it was refused.</summary>
    public ImageDecodeError Reason { get; }
}

/// <summary>Caps checked on the declared dimensions before any pixel is decoded.</summary>
public static class ImageLimits
{
    /// <summary>Longest side accepted, in pixels.</summary>
    public const int MaxSide = 32_768;

    /// <summary>Most pixels accepted (100 megapixels).</summary>
    public const long MaxPixels = 100_000_000;
}
