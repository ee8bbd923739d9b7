using Panoptic.Cli;

return await PanopticCli.RunAsync(args, ConsoleStreams.System);
