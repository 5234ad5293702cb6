return await FofaDsl.Examples.OwnModel.RunAsync(args);
