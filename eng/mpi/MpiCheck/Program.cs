using System.Globalization;
using FofaDsl.MpiCheck;

// compare-runs A B TOLERANCE RUN...: two run folders' losses and weights; anything else is the experiment's program.
if (args is ["compare-runs", var first, var second, var tolerance, .. var runs])
    return RunComparison.Compare(first, second, double.Parse(tolerance, CultureInfo.InvariantCulture), runs);
return await MpiTinyExperiment.RunAsync(args);
