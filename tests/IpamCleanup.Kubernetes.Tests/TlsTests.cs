using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IpamCleanup.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IpamCleanup.Kubernetes.Tests;

/// <summary>The API server's certificate is verified against the kubeconfig's CA unless the kubeconfig says to skip it.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private const string Apis = """{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"crd.projectcalico.org","versions":[{"groupVersion":"crd.projectcalico.org/v1","version":"v1"}]}]}""";

    private readonly X509Certificate2 _certificate = SelfSigned();
    private WebApplication? _app;
    private string _url = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_certificate)));
        _app = builder.Build();
        _app.Run(context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(Apis);
        });
        await _app.StartAsync();
        _url = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _certificate.Dispose();
    }

    [Fact]
    public async Task Unknown_certificate_authority_is_refused()
    {
        var path = Write(clusterExtra: "");

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() =>
            CalicoClient.ConnectAsync(new KubeConnectionOptions { KubeConfigPath = path, MaxRetries = 0 }));

        Assert.Equal(KubeErrorIds.ApiServerUnreachable, error.ErrorId);
        Assert.Equal("SecurityError", error.Category);
        TestSecrets.AssertNoSecret(error, TestSecrets.WrongToken);
    }

    [Fact]
    public async Task Certificate_authority_data_from_the_kubeconfig_is_trusted()
    {
        var ca = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(_certificate.ExportCertificatePem()));
        var path = Write(clusterExtra: $"    certificate-authority-data: {ca}\n");

        using var client = await CalicoClient.ConnectAsync(new KubeConnectionOptions { KubeConfigPath = path, MaxRetries = 0 });

        Assert.Equal(CalicoApiLayout.Classic, client.ApiLayout);
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_accepts_any_certificate()
    {
        var path = Write(clusterExtra: "    insecure-skip-tls-verify: true\n");

        using var client = await CalicoClient.ConnectAsync(new KubeConnectionOptions { KubeConfigPath = path, MaxRetries = 0 });

        Assert.Equal(CalicoApiLayout.Classic, client.ApiLayout);
    }

    private string Write(string clusterExtra)
    {
        var path = Path.Combine(TestCluster.NewScratchDirectory(), "config");
        File.WriteAllText(path,
            "apiVersion: v1\nkind: Config\ncurrent-context: tls\n" +
            $"clusters:\n- name: tls\n  cluster:\n    server: {_url}\n{clusterExtra}" +
            $"users:\n- name: tls\n  user:\n    token: {TestSecrets.WrongToken}\n" +
            "contexts:\n- name: tls\n  context:\n    cluster: tls\n    user: tls\n");
        return path;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=ipamcleanup-test-apiserver", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return new X509Certificate2(certificate.Export(X509ContentType.Pfx));
    }
}
