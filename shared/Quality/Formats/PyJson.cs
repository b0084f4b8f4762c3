using System.Text;

namespace Refinery.Quality.Formats;

/// <summary>The pieces of Python's json.dumps defaults the RPv2 files are written with: ", " and ": " separators,
/// ensure_ascii escapes, repr floats.</summary>
internal static class PyJson
{
    private const string Hex = "0123456789abcdef";

    public static void String(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7E)
                        sb.Append("\\u").Append(Hex[c >> 12]).Append(Hex[(c >> 8) & 0xF]).Append(Hex[(c >> 4) & 0xF]).Append(Hex[c & 0xF]);
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
