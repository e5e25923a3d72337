namespace Contingency.Tests.Support;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

/// <summary>The built service run as its own process (<c>dotnet Contingency.dll ...</c>), for what only a process shows: exit codes and stderr.</summary>
public static class ServiceProcess
{
    public static async Task<(int Exit, string Out, string Error)> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, environment, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', args)}' did not exit within 90 s.");
        }
        return (process.ExitCode, await output, await error);
    }

    private static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Contingency.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return start;
    }

    /// <summary>A loopback port nothing listens on at this moment.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Starts the service serving HTTP on a free loopback port; it runs until killed or disposed.</summary>
    public static RunningService Start(string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var process = Process.Start(StartInfo(workingDirectory, new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = url }, []))!;
        return new RunningService(process, new Uri(url));
    }
}

/// <summary>One service process: its address, what it wrote, and a way to kill it as a crash would (SIGKILL).</summary>
public sealed class RunningService : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    public RunningService(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public bool HasExited => process.HasExited;

    /// <summary>Everything the process wrote so far, stdout and stderr interleaved (for failure messages).</summary>
    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Waits until /health/ready answers 200: migrated database, scheduler started.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The service exited with {process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The service at {Address} was not ready within {timeout}:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown, no finally blocks, connections cut as a crash cuts them.</summary>
    public void Kill()
    {
        if (!process.HasExited) process.Kill();
        process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }
}
