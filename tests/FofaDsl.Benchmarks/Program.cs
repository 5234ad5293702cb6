using FofaDsl.Benchmarks;

// Prints Markdown tables of forward and training-step times; see BenchCommand for the options.
return BenchCommand.Run(args);
