using Panoptic.Benchmarks;
using BenchmarkDotNet.Running;

if (args is ["html-report", ..])
{
    await HtmlReportBenchmark.RunAsync();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
