return await FofaDsl.Examples.PaperAblation.RunAsync(args);
