namespace FofaDsl.Reporting;

/// <summary>
/// Writes scalars to a TensorBoard event file (<c>events.out.tfevents.&lt;unix time&gt;.&lt;host&gt;</c>)
/// that <c>tensorboard --logdir</c> reads, with no protobuf or TensorFlow package.
/// </summary>
/// <remarks>
/// The file is a sequence of TFRecords, each holding one protobuf <c>Event</c>; the first
/// carries <c>file_version = "brain.Event:2"</c>, each later one a <c>Summary</c> with one
/// <c>simple_value</c>. Records are buffered: <see cref="Flush"/> (or <see cref="Dispose"/>) pushes
/// them to the file, and a flush also happens by itself once <see cref="FlushInterval"/> has passed.
/// </remarks>
public sealed class TensorBoardWriter : IDisposable
{
    /// <summary>The version string TensorBoard expects in the first event of a file.</summary>
    public const string FileVersion = "brain.Event:2";

    // Field numbers of tensorflow/core/util/event.proto and summary.proto.
    private const int EventWallTime = 1;
    private const int EventStep = 2;
    private const int EventFileVersion = 3;
    private const int EventSummary = 5;
    private const int SummaryValue = 1;
    private const int ValueTag = 1;
    private const int ValueSimpleValue = 2;

    private readonly FileStream stream;
    private readonly TimeProvider clock;
    private long lastFlushTimestamp;
    private bool disposed;

    /// <summary>Creates a new event file in <paramref name="logDirectory"/> (made when missing).</summary>
    /// <param name="logDirectory">The run's TensorBoard directory.</param>
    /// <param name="flushInterval">How long records may wait in the buffer; ten seconds when <see langword="null"/>.</param>
    /// <param name="clock">Source of wall times and the file name's time stamp; the system clock when <see langword="null"/>.</param>
    public TensorBoardWriter(string logDirectory, TimeSpan? flushInterval = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(logDirectory);
        this.clock = clock ?? TimeProvider.System;
        FlushInterval = flushInterval ?? TimeSpan.FromSeconds(10);
        Directory.CreateDirectory(logDirectory);

        (stream, FilePath) = CreateEventFile(logDirectory, this.clock.GetUtcNow().ToUnixTimeSeconds());
        lastFlushTimestamp = this.clock.GetTimestamp();

        var version = new ProtobufWriter();
        version.WriteDouble(EventWallTime, WallTime());
        version.WriteString(EventFileVersion, FileVersion);
        TfRecordWriter.Write(stream, version.ToArray());
        Flush();
    }

    /// <summary>The full path of the event file.</summary>
    public string FilePath { get; }

    /// <summary>How long a written record may stay buffered before the writer flushes by itself.</summary>
    public TimeSpan FlushInterval { get; }

    /// <summary>Records <paramref name="value"/> under <paramref name="tag"/> (e.g. <c>loss/feature</c>) at <paramref name="step"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="tag"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void AddScalar(string tag, float value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ObjectDisposedException.ThrowIf(disposed, this);

        var summaryValue = new ProtobufWriter();
        summaryValue.WriteString(ValueTag, tag);
        summaryValue.WriteFloat(ValueSimpleValue, value);

        var summary = new ProtobufWriter();
        summary.WriteBytes(SummaryValue, summaryValue.ToArray());

        var scalarEvent = new ProtobufWriter();
        scalarEvent.WriteDouble(EventWallTime, WallTime());
        scalarEvent.WriteInt64(EventStep, step);
        scalarEvent.WriteBytes(EventSummary, summary.ToArray());
        TfRecordWriter.Write(stream, scalarEvent.ToArray());

        if (clock.GetElapsedTime(lastFlushTimestamp) >= FlushInterval)
            Flush();
    }

    /// <summary>Pushes buffered records to the file, where TensorBoard sees them.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        stream.Flush();
        lastFlushTimestamp = clock.GetTimestamp();
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose()
    {
        if (disposed)
            return;
        stream.Flush();
        stream.Dispose();
        disposed = true;
    }

    private double WallTime() => (clock.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds;

    // Two writers started in the same second in one directory get distinct files, not a shared one.
    private static (FileStream Stream, string Path) CreateEventFile(string logDirectory, long unixSeconds)
    {
        string host = SafeHostName();
        string baseName = Path.Combine(Path.GetFullPath(logDirectory), $"events.out.tfevents.{unixSeconds}.{host}");
        for (int attempt = 0; ; attempt++)
        {
            string path = attempt == 0 ? baseName : $"{baseName}.{attempt}";
            try
            {
                return (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read), path);
            }
            catch (IOException) when (File.Exists(path) && attempt < 1000)
            {
            }
        }
    }

    private static string SafeHostName()
    {
        string host = Environment.MachineName;
        var invalid = Path.GetInvalidFileNameChars();
        string safe = new([.. host.Select(c => Array.IndexOf(invalid, c) >= 0 ? '_' : c)]);
        return string.IsNullOrEmpty(safe) ? "localhost" : safe;
    }
}
