using System.Security.Cryptography;
using System.Text;
using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Naming;

/// <summary>Kubernetes object names and labels of Calico IPAM objects in KDD (calico-ipam.md §1.13, §1.5).</summary>
public static class CalicoNames
{
    public const string HostnameHashLabel = "projectcalico.org/hostname-hash";
    public const string AffinityTypeLabel = "projectcalico.org/affinity-type";
    public const string IpVersionLabel = "projectcalico.org/ip-version";

    /// <summary>Names at or above this length are truncated and hashed (the DNS-subdomain limit).</summary>
    private const int MaxAffinityNameLength = 253;

    /// <summary>
    /// libcalico's <c>names.CIDRToName</c>: "10.0.0.0/26" → "10-0-0-0-26"; "fd5f:abcd:64::/122" → "fd5f-abcd-64---122"
    /// (every ':' of the "::" becomes '-', then the '/' does too). The CIDR is canonicalised first.
    /// </summary>
    public static string BlockName(string cidr) => BlockName(IpNet.Parse(cidr));

    public static string BlockName(IpNet cidr)
    {
        if (!cidr.IsValid)
        {
            throw new ArgumentException("The CIDR is not valid.", nameof(cidr));
        }

        // Canonical text has at most 3 dots, 7 colons and one slash, so replacing all of them matches
        // Go's bounded strings.Replace calls.
        return cidr.ToString().Replace('.', '-').Replace(':', '-').Replace('/', '-');
    }

    /// <summary>The IPAMHandle object name: the handle ID lower-cased, nothing else.</summary>
    public static string HandleName(string handleId) => handleId.ToLowerInvariant();

    /// <summary>
    /// The BlockAffinity object name <c>&lt;node&gt;-&lt;blockname&gt;</c>; when that reaches 253 characters the node is
    /// truncated and "-" plus 11 hex characters of SHA-256("&lt;node&gt;+&lt;blockname&gt;") are appended.
    /// </summary>
    public static string AffinityName(string node, string cidr) => AffinityName(node, IpNet.Parse(cidr));

    public static string AffinityName(string node, IpNet cidr)
    {
        var cidrName = BlockName(cidr);
        var name = node + "-" + cidrName;
        if (name.Length < MaxAffinityNameLength)
        {
            return name;
        }

        var truncatedNode = node[..(MaxAffinityNameLength - 1 - cidrName.Length - 13)];
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(node + "+" + cidrName));
        return truncatedNode + "-" + cidrName + "-" + Convert.ToHexString(hash).ToLowerInvariant()[..11];
    }

    /// <summary>True when this platform can compute <see cref="HostnameHash"/> (SHA3-256 needs OpenSSL 1.1.1+ or Windows 11).</summary>
    public static bool IsHostnameHashSupported => SHA3_256.IsSupported;

    /// <summary>
    /// The <c>projectcalico.org/hostname-hash</c> label value: base32 (standard alphabet, no padding) of SHA3-256 of
    /// the node name, 52 characters.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">SHA3-256 is not available on this platform.</exception>
    public static string HostnameHash(string node)
    {
        if (!SHA3_256.IsSupported)
        {
            throw new PlatformNotSupportedException("SHA3-256 is not supported on this platform, so the affinity hostname-hash label cannot be computed.");
        }

        return Base32.EncodeNoPadding(SHA3_256.HashData(Encoding.UTF8.GetBytes(node)));
    }

    /// <summary>The <c>projectcalico.org/ip-version</c> label value: "6" when the CIDR contains ':', otherwise "4".</summary>
    public static string IpVersion(string cidr) => cidr.Contains(':', StringComparison.Ordinal) ? "6" : "4";
}
