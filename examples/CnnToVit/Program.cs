return await FofaDsl.Examples.CnnToVit.RunAsync(args);
