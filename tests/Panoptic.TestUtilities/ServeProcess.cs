using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Panoptic.TestUtilities;

/// <summary>`panoptic serve` as a real process (so it can be killed with SIGKILL), started and waited for until ready.</summary>
public static class ServeProcess
{
    /// <summary>Starts the CLI's <c>serve</c> on <paramref name="url"/> with its data in <paramref name="data"/> (and PostgreSQL when <paramref name="database"/> is set).</summary>
    public static async Task<Process> StartAsync(string cliDll, string data, string url, string? database = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { cliDll, "serve", "--data", data, "--urls", url }) start.ArgumentList.Add(arg);
        if (!string.IsNullOrEmpty(database))
        {
            start.ArgumentList.Add("--db");
            start.ArgumentList.Add(database);
        }
        start.Environment["Panoptic__PasswordIterations"] = "1000";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode) return process;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (process.HasExited) throw new InvalidOperationException($"panoptic serve exited with {process.ExitCode}");
            await Task.Delay(50);
        }
        process.Kill();
        throw new TimeoutException("panoptic serve did not become ready in 30 s");
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
