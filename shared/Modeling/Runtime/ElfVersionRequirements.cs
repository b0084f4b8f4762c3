using System.Buffers.Binary;
using System.Text;

namespace Refinery.Modeling.Runtime;

/// <summary>Reads and weakens the symbol-version requirements (.gnu.version_r) of an ELF64 little-endian shared
/// library, so that glibc loads it when one required version is missing from the system.</summary>
/// <remarks>
/// Layout (see the ELF gABI and the LSB "Symbol Versioning" chapter): the section of type SHT_GNU_verneed holds a
/// chain of Verneed records, one per needed library, each heading a chain of Vernaux records, one per needed version.
/// Vernaux.vna_flags with VER_FLG_WEAK set turns "version not found" from a load failure into a warning.
/// </remarks>
public static class ElfVersionRequirements
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>What <see cref="Weaken"/> did.</summary>
    public enum Outcome { Weakened, AlreadyWeak, NotRequired }

    /// <summary>One Vernaux record naming the version asked for.</summary>
    public readonly record struct Requirement(string Library, string Version, bool IsWeak, long FlagsOffset);

    /// <summary>Every requirement of <paramref name="version"/> in the file (usually one).</summary>
    public static IReadOnlyList<Requirement> Find(string path, string version) =>
        Find(File.ReadAllBytes(path), version, path);

    /// <summary>Sets VER_FLG_WEAK on every requirement of <paramref name="version"/>. The file is replaced by a new one
    /// (written beside it, then renamed over it), never written in place: the path may be a hard link into the NuGet
    /// cache, whose copy must stay as shipped. The modification time is kept, so an incremental build that copies
    /// only changed files sees nothing to copy. Safe to call from several processes at once: each rename installs
    /// identical bytes.</summary>
    public static Outcome Weaken(string path, string version)
    {
        var bytes = File.ReadAllBytes(path);
        var requirements = Find(bytes, version, path);
        if (requirements.Count == 0) return Outcome.NotRequired;
        if (requirements.All(r => r.IsWeak)) return Outcome.AlreadyWeak;

        foreach (var requirement in requirements)
        {
            var flags = bytes.AsSpan((int)requirement.FlagsOffset, 2);
            BinaryPrimitives.WriteUInt16LittleEndian(flags, (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(flags) | VerFlgWeak));
        }

        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
            File.SetLastWriteTimeUtc(temporary, File.GetLastWriteTimeUtc(path));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
        return Outcome.Weakened;
    }

    internal static IReadOnlyList<Requirement> Find(byte[] elf, string version, string path)
    {
        try
        {
            return FindUnchecked(elf, version, path);
        }
        catch (ArgumentOutOfRangeException e)
        {
            // Every read is a bounds-checked slice; an offset past the end means a truncated or corrupt file.
            throw new InvalidDataException($"{path}: truncated or corrupt ELF version tables", e);
        }
    }

    private static List<Requirement> FindUnchecked(byte[] elf, string version, string path)
    {
        ReadOnlySpan<byte> span = elf;
        ReadOnlySpan<byte> magic = [0x7F, (byte)'E', (byte)'L', (byte)'F'];
        if (span.Length < 64 || !span[..4].SequenceEqual(magic))
            throw new InvalidDataException($"{path}: not an ELF file");
        if (span[4] != 2 || span[5] != 1)
            throw new InvalidDataException($"{path}: not a 64-bit little-endian ELF file");

        // ELF64 header: e_shoff at 0x28, e_shentsize at 0x3A, e_shnum at 0x3C.
        var sectionTable = checked((int)U64(span, 0x28));
        int entrySize = U16(span, 0x3A), sectionCount = U16(span, 0x3C);
        var found = new List<Requirement>();

        for (var i = 0; i < sectionCount; i++)
        {
            var header = sectionTable + i * entrySize;
            if (U32(span, header + 4) != ShtGnuVerneed) continue;

            // Section header: sh_offset at 0x18, sh_link (the string table's index) at 0x28, sh_info (count) at 0x2C.
            var verneed = checked((int)U64(span, header + 0x18));
            var stringTableHeader = sectionTable + (int)U32(span, header + 0x28) * entrySize;
            var strings = checked((int)U64(span, stringTableHeader + 0x18));
            var needCount = U32(span, header + 0x2C);

            var need = verneed;
            for (var n = 0; n < needCount; n++)
            {
                // Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
                int auxCount = U16(span, need + 2);
                var library = CString(span, strings + (int)U32(span, need + 4));
                var aux = need + (int)U32(span, need + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    // Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                    var name = CString(span, strings + (int)U32(span, aux + 8));
                    if (name == version)
                        found.Add(new Requirement(library, name, (U16(span, aux + 4) & VerFlgWeak) != 0, aux + 4));
                    var nextAux = U32(span, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                var nextNeed = U32(span, need + 12);
                if (nextNeed == 0) break;
                need += (int)nextNeed;
            }
        }
        return found;
    }

    private static ushort U16(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(at, 2));
    private static uint U32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(at, 4));
    private static ulong U64(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(at, 8));

    private static string CString(ReadOnlySpan<byte> s, int at)
    {
        var rest = s[at..];
        var end = rest.IndexOf((byte)0);
        if (end < 0) throw new ArgumentOutOfRangeException(nameof(at), "unterminated string");
        return Encoding.ASCII.GetString(rest[..end]);
    }
}
