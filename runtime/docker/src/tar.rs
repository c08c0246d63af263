//! The tar archive Docker's copy-into-container endpoint takes: regular files
//! only (Docker creates missing parent directories), owned by root, written
//! in the ustar format with GNU long-name records for paths over 100 bytes.

const BLOCK: usize = 512;

/// An archive of `files` (absolute or relative path, contents, mode), to be
/// extracted at `/`.
pub fn archive(files: &[(String, Vec<u8>, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, data, mode) in files {
        let name = path.trim_start_matches('/');
        if name.len() > 100 {
            // GNU long name: a record named ././@LongLink whose data is the real name.
            let mut long = name.as_bytes().to_vec();
            long.push(0);
            out.extend_from_slice(&header("././@LongLink", long.len() as u64, 0o644, b'L'));
            push_data(&mut out, &long);
        }
        out.extend_from_slice(&header(name, data.len() as u64, *mode, b'0'));
        push_data(&mut out, data);
    }
    // Two zero blocks end the archive.
    out.resize(out.len() + 2 * BLOCK, 0);
    out
}

fn push_data(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(data);
    let pad = (BLOCK - data.len() % BLOCK) % BLOCK;
    out.resize(out.len() + pad, 0);
}

/// Writes `value` as zero-padded octal into `field`, ending with NUL.
fn octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    // Values too large for the field keep their low digits; sizes here stay far below 8 GiB.
    let text = &text.as_bytes()[text.len() - digits..];
    field[..digits].copy_from_slice(text);
    field[digits] = 0;
}

fn header(name: &str, size: u64, mode: u32, kind: u8) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    let name = name.as_bytes();
    let n = name.len().min(100);
    h[..n].copy_from_slice(&name[..n]);
    octal(&mut h[100..108], u64::from(mode & 0o7777));
    octal(&mut h[108..116], 0); // uid
    octal(&mut h[116..124], 0); // gid
    octal(&mut h[124..136], size);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    octal(&mut h[136..148], now);
    h[156] = kind;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[265..269].copy_from_slice(b"root");
    h[297..301].copy_from_slice(b"root");
    // The checksum is computed with its own field as spaces.
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    let text = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(text.as_bytes());
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_archive_layout() {
        let a = archive(&[("/var/task/handler.py".into(), b"print(1)\n".to_vec(), 0o755)]);
        assert_eq!(a.len(), 512 + 512 + 1024);
        assert_eq!(&a[..20], b"var/task/handler.py\0");
        assert_eq!(&a[100..107], b"0000755");
        assert_eq!(&a[124..135], b"00000000011");
        assert_eq!(a[156], b'0');
        assert_eq!(&a[512..521], b"print(1)\n");
        let stored: u32 = u32::from_str_radix(std::str::from_utf8(&a[148..154]).unwrap(), 8).unwrap();
        let mut h = a[..512].to_vec();
        h[148..156].copy_from_slice(b"        ");
        assert_eq!(stored, h.iter().map(|b| u32::from(*b)).sum::<u32>());
    }

    #[test]
    fn long_names_get_a_gnu_record() {
        let long = format!("/opt/{}", "x".repeat(150));
        let a = archive(&[(long.clone(), vec![1, 2, 3], 0o644)]);
        assert_eq!(&a[..13], b"././@LongLink");
        assert_eq!(a[156], b'L');
        assert_eq!(&a[512..512 + 154], long.trim_start_matches('/').as_bytes());
        assert_eq!(a[1024 + 156], b'0');
    }
}
