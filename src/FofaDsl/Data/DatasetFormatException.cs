namespace FofaDsl.Data;

/// <summary>
/// A data set file could not be read: it is not the file it should be, is damaged, or does not
/// match its partner file. The message names the file, what is wrong with it and how to fix it.
/// </summary>
public sealed class DatasetFormatException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public DatasetFormatException()
        : base("A data set file has an unexpected format.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public DatasetFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public DatasetFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the file <paramref name="fileName"/>.</summary>
    public DatasetFormatException(string message, string? fileName, Exception? innerException = null)
        : base(message, innerException)
    {
        FileName = fileName;
    }

    /// <summary>The file (or stream name) that could not be read, when there is one.</summary>
    public string? FileName { get; }
}
