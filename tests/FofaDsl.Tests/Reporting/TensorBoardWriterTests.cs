using FofaDsl.Reporting;

namespace FofaDsl.Tests.Reporting;

public sealed class TensorBoardWriterTests : IDisposable
{
    private readonly ReportingTempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>A clock that stands still unless moved, for exact wall times and flush timing.</summary>
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private long ticks;

        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;

        public override long GetTimestamp() => ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by)
        {
            Now += by;
            ticks += by.Ticks;
        }
    }

    [Fact]
    public void File_is_named_after_the_start_time_and_host()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var writer = new TensorBoardWriter(temp.Path, clock: clock);
        Assert.Equal(temp.Path, Path.GetDirectoryName(writer.FilePath));
        Assert.StartsWith("events.out.tfevents.1700000000.", Path.GetFileName(writer.FilePath), StringComparison.Ordinal);
        Assert.True(File.Exists(writer.FilePath));
    }

    [Fact]
    public void First_record_is_the_file_version()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250));
        string path;
        using (var writer = new TensorBoardWriter(temp.Path, clock: clock))
            path = writer.FilePath;

        var decoded = Assert.Single(EventFileReader.Read(path));
        Assert.Equal("brain.Event:2", decoded.FileVersion);
        Assert.Equal(1_700_000_000.25, decoded.WallTime);
        Assert.Empty(decoded.Scalars);
    }

    [Fact]
    public void Scalars_read_back_with_their_tags_steps_and_times()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        string path;
        using (var writer = new TensorBoardWriter(temp.Path, clock: clock))
        {
            path = writer.FilePath;
            writer.AddScalar("loss/ce", 2.5f, 1);
            clock.Advance(TimeSpan.FromSeconds(1.5));
            writer.AddScalar("loss/feature", 0.125f, 300);
            writer.AddScalar("top1/fofa", 0.75f, 5_000_000_000L);
            writer.AddScalar("negative step", -1f, -3);
        }

        var events = EventFileReader.Read(path);
        Assert.Equal(5, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.All(events.Skip(1), e => Assert.Null(e.FileVersion));

        Assert.Equal((1L, "loss/ce", 2.5f), (events[1].Step, events[1].Scalars.Single().Tag, events[1].Scalars.Single().Value));
        Assert.Equal((300L, "loss/feature", 0.125f), (events[2].Step, events[2].Scalars.Single().Tag, events[2].Scalars.Single().Value));
        Assert.Equal((5_000_000_000L, "top1/fofa", 0.75f), (events[3].Step, events[3].Scalars.Single().Tag, events[3].Scalars.Single().Value));
        Assert.Equal((-3L, -1f), (events[4].Step, events[4].Scalars.Single().Value));
        Assert.Equal(1_700_000_000.0, events[1].WallTime);
        Assert.Equal(1_700_000_001.5, events[2].WallTime);
    }

    [Fact]
    public void Flush_makes_records_visible_while_the_writer_is_open()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var writer = new TensorBoardWriter(temp.Path, flushInterval: TimeSpan.FromHours(1), clock: clock);
        writer.AddScalar("a", 1f, 1);
        writer.Flush();
        Assert.Equal(2, EventFileReader.Read(writer.FilePath).Count);
    }

    [Fact]
    public void Records_flush_by_themselves_after_the_interval()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var writer = new TensorBoardWriter(temp.Path, flushInterval: TimeSpan.FromSeconds(10), clock: clock);
        writer.AddScalar("a", 1f, 1);
        Assert.Single(EventFileReader.Read(writer.FilePath));

        clock.Advance(TimeSpan.FromSeconds(11));
        writer.AddScalar("a", 2f, 2);
        Assert.Equal(3, EventFileReader.Read(writer.FilePath).Count);
    }

    [Fact]
    public void Two_writers_in_the_same_second_get_separate_files()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var first = new TensorBoardWriter(temp.Path, clock: clock);
        using var second = new TensorBoardWriter(temp.Path, clock: clock);
        Assert.NotEqual(first.FilePath, second.FilePath);
        Assert.Contains("tfevents", Path.GetFileName(second.FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_after_dispose_throws()
    {
        var writer = new TensorBoardWriter(temp.Path);
        writer.Dispose();
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.AddScalar("a", 1f, 1));
    }
}
