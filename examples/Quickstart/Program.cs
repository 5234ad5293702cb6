return await FofaDsl.Examples.Quickstart.RunAsync(args);
