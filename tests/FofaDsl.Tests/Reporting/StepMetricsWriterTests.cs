using FofaDsl.Reporting;
using FofaDsl.Training;

namespace FofaDsl.Tests.Reporting;

/// <summary><c>steps-&lt;method&gt;.csv</c>: a row per step, flushed as written, no step twice after a resume.</summary>
public sealed class StepMetricsWriterTests : IDisposable
{
    private readonly ReportingTempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private static TrainingRunStart Start(long completed) => new("FOFA", Epochs: 2, StepsPerEpoch: 2, BatchSize: 8, completed);

    private static TrainingStepReport Step(long step, float ce) =>
        new("FOFA", Epoch: (int)((step - 1) / 2 + 1), step, LearningRate: 0.5, Total: ce + 0.25f, new Dictionary<string, float> { ["ce"] = ce, ["kd"] = 0.25f }, ImagesPerSecond: 100);

    [Fact]
    public void A_fresh_run_writes_the_header_and_a_flushed_row_per_step()
    {
        var path = directory.File("steps-fofa.csv");
        File.WriteAllText(path, "an old run's file\n");
        using var writer = new StepMetricsWriter(path);
        writer.RunStarted(Start(0));
        writer.StepCompleted(Step(1, 2.5f));
        writer.StepCompleted(Step(2, 1.5f));

        // Read while the writer is still open: the rows are already on disk.
        string[] lines;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            lines = new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["step,epoch,learning_rate,total,ce,kd,images_per_second", "1,1,0.5,2.75,2.5,0.25,100.0", "2,1,0.5,1.75,1.5,0.25,100.0"], lines);
    }

    [Fact]
    public void A_resume_drops_the_rows_after_its_checkpoint_and_appends_without_repeating_a_step()
    {
        var path = directory.File("steps-fofa.csv");
        using (var first = new StepMetricsWriter(path))
        {
            first.RunStarted(Start(0));
            for (var step = 1; step <= 3; step++) first.StepCompleted(Step(step, step));
        }

        // The process died after step 3; the last checkpoint was written at step 2, so step 3 is done again.
        using (var resumed = new StepMetricsWriter(path))
        {
            resumed.RunStarted(Start(2));
            resumed.StepCompleted(Step(3, 30));
            resumed.StepCompleted(Step(4, 40));
        }

        var rows = File.ReadAllLines(path).Skip(1).Select(line => line.Split(',')).ToList();
        Assert.Equal(["1", "2", "3", "4"], rows.Select(r => r[0]));
        Assert.Equal(["1", "2", "30", "40"], rows.Select(r => r[4]));
    }

    [Fact]
    public void A_resume_with_other_loss_terms_is_refused()
    {
        var path = directory.File("steps-fofa.csv");
        File.WriteAllText(path, "step,epoch,learning_rate,total,ce,images_per_second\n1,1,0.5,1,1,10\n");
        using var writer = new StepMetricsWriter(path);
        writer.RunStarted(Start(1));
        var error = Assert.Throws<InvalidDataException>(() => writer.StepCompleted(Step(2, 1)));
        Assert.Contains("step,epoch,learning_rate,total,ce,images_per_second", error.Message);
    }
}
