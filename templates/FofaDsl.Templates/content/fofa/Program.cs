// Verbs: compare (default), train, resume, eval, check, export; `dotnet run -- --help` lists the options.
return await MyExperimentClass.RunAsync(args);
