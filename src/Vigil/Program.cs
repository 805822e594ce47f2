return await Vigil.Cli.VigilCommand.RunAsync(args);
