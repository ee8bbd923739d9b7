using Panoptic.Benchmarks;
using BenchmarkDotNet.Running;

if (args is ["html-report", ..])
{
    await HtmlReportBenchmark.RunAsync();
    return;
}
if (args is ["ingest", ..])
{
    await IngestLoad.RunAsync(args);
    return;
}
if (args is ["traces", ..])
{
    await TraceLoad.RunAsync(args);
    return;
}
if (args is ["gateway-upstream", ..])
{
    await GatewayLoad.UpstreamAsync(args);
    return;
}
if (args is ["gateway-load", ..])
{
    await GatewayLoad.RunAsync(args);
    return;
}
if (args is ["cost-import", ..])
{
    await CostImportLoad.RunAsync(args);
    return;
}
if (args is ["advisor", ..])
{
    await AdvisorLoad.RunAsync(args);
    return;
}
if (args is ["sdk-outage", ..])
{
    await SdkOutage.RunAsync(args);
    return;
}
if (args is ["crash-trials", ..])
{
    Environment.ExitCode = await CrashTrials.RunAsync(args);
    return;
}
if (args is ["live-fixtures", ..])
{
    await LiveFixtures.RunAsync(args);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
