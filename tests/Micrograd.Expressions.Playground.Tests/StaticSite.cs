using System.Net;
using System.Net.Sockets;

namespace Micrograd.Expressions.Playground.Tests;

/// <summary>
/// The published site served on a loopback port, as any static host serves it: files with their content types,
/// the Brotli-compressed copy when the browser accepts it, index.html for every other path.
/// </summary>
public sealed class StaticSite : IDisposable
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript",
        [".mjs"] = "text/javascript",
        [".css"] = "text/css",
        [".json"] = "application/json",
        [".wasm"] = "application/wasm",
        [".dat"] = "application/octet-stream",
        [".png"] = "image/png",
        [".svg"] = "image/svg+xml",
        [".ico"] = "image/x-icon",
    };

    private readonly HttpListener listener = new();
    private readonly string root;
    private readonly Task loop;

    public StaticSite(string root)
    {
        this.root = Path.GetFullPath(root);
        var port = FreePort();
        Address = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(Address);
        listener.Start();
        loop = Task.Run(Serve);
    }

    /// <summary>The folder served.</summary>
    public string Root => root;

    /// <summary>The site's address, ending in a slash.</summary>
    public string Address { get; }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => Respond(context));
        }
    }

    private async Task Respond(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/');
            var file = Path.GetFullPath(Path.Combine(root, path));
            if (!file.StartsWith(root, StringComparison.Ordinal) || !File.Exists(file))
            {
                // a path of the app (the playground reads its state from the query) or a missing file
                file = Path.GetExtension(path) == "" ? Path.Combine(root, "index.html") : "";
            }

            if (file.Length == 0)
            {
                response.StatusCode = 404;
                return;
            }

            response.ContentType = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
            // Chromium offers Brotli only over https, so a loopback http site gets the gzip copy
            var accepts = context.Request.Headers["Accept-Encoding"] ?? "";
            foreach (var (token, extension) in new[] { ("br", ".br"), ("gzip", ".gz") })
            {
                if (accepts.Contains(token, StringComparison.Ordinal) && File.Exists(file + extension))
                {
                    file += extension;
                    response.AddHeader("Content-Encoding", token);
                    break;
                }
            }

            var bytes = await File.ReadAllBytesAsync(file);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }
        catch (Exception e) when (e is HttpListenerException or IOException)
        {
            // the browser went away mid-response
        }
        finally
        {
            response.Close();
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }
}
