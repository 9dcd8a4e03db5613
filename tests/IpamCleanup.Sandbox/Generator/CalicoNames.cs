using System.Security.Cryptography;
using System.Text;

namespace IpamCleanup.Sandbox;

/// <summary>KDD object names as libcalico derives them (calico-ipam.md §1.13).</summary>
public static class CalicoNames
{
    /// <summary><c>10.0.0.0/26</c> → <c>10-0-0-0-26</c>; <c>fd00:10::/122</c> → <c>fd00-10---122</c>.</summary>
    public static string BlockName(string cidr) =>
        ReplaceLimited(ReplaceLimited(ReplaceLimited(cidr, '.', 3), ':', 7), '/', 1);

    /// <summary>Handle objects are named by the lower-cased handle ID.</summary>
    public static string HandleName(string handleId) => handleId.ToLowerInvariant();

    /// <summary><c>&lt;node&gt;-&lt;cidrname&gt;</c>, truncated and suffixed with a hash once it would reach 253 characters.</summary>
    public static string AffinityName(string node, string cidr)
    {
        var cidrName = BlockName(cidr);
        var name = node + "-" + cidrName;
        if (name.Length < 253)
        {
            return name;
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(node + "+" + cidrName))).ToLowerInvariant()[..11];
        var truncated = node[..Math.Max(0, 252 - cidrName.Length - 13)];
        return truncated + "-" + cidrName + "-" + hash;
    }

    private static string ReplaceLimited(string text, char from, int count)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length && count > 0; i++)
        {
            if (chars[i] == from)
            {
                chars[i] = '-';
                count--;
            }
        }

        return new string(chars);
    }
}
