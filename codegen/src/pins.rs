//! `models/pins.tsv`: which model file each product service is generated from,
//! pinned by sha256 so a changed model never slips in unnoticed.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Pin {
    /// Simfra's service name: the model folder (`sqs`, `s3-control`).
    pub name: String,
    /// `A`, `B` or `C`.
    pub tier: String,
    /// Whether the data plane runs in Docker.
    pub docker: bool,
    /// Path relative to the models directory.
    pub path: String,
    pub sha256: String,
}

pub const PINS_FILE: &str = "models/pins.tsv";

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn read_pins(repo: &Path) -> Result<Vec<Pin>, String> {
    let text = std::fs::read_to_string(repo.join(PINS_FILE)).map_err(|e| format!("{PINS_FILE}: {e}"))?;
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() != 5 {
                return Err(format!("{PINS_FILE}: bad line {l:?}"));
            }
            Ok(Pin {
                name: f[0].into(),
                tier: f[1].into(),
                docker: f[2] == "docker",
                path: f[3].into(),
                sha256: f[4].into(),
            })
        })
        .collect()
}

/// Reads a pinned model file, checking its digest.
pub fn read_pinned(models_dir: &Path, pin: &Pin) -> Result<Vec<u8>, String> {
    let path: PathBuf = models_dir.join(&pin.path);
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let got = sha256_hex(&bytes);
    if got != pin.sha256 {
        return Err(format!("{}: sha256 {got} does not match the pin {}", path.display(), pin.sha256));
    }
    Ok(bytes)
}

/// Writes `models/pins.tsv` from a `services.txt` list (`name tier [docker]`),
/// pinning the one model file found in each service's folder.
pub fn write_pins(repo: &Path, models_dir: &Path, services_txt: &Path) -> Result<usize, String> {
    let list = std::fs::read_to_string(services_txt).map_err(|e| format!("{}: {e}", services_txt.display()))?;
    let mut out = String::from(
        "# Model files of the product's services, relative to SIMFRA_MODELS_DIR (default ../shared/aws-models).\n\
         # Written by `simfra-codegen pin`; `make generate` refuses a model whose digest differs.\n\
         # name\ttier\tdocker\tpath\tsha256\n",
    );
    let mut n = 0;
    for line in list.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (name, tier) = (f[0], f.get(1).copied().unwrap_or("C"));
        let docker = if f.contains(&"docker") { "docker" } else { "-" };
        let dir = models_dir.join(name).join("service");
        let mut files = Vec::new();
        for version in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let version = version.map_err(|e| e.to_string())?.path();
            for f in std::fs::read_dir(&version).map_err(|e| e.to_string())? {
                let p = f.map_err(|e| e.to_string())?.path();
                if p.extension().map(|e| e == "json").unwrap_or(false) {
                    files.push(p);
                }
            }
        }
        files.sort();
        let file = files.last().ok_or_else(|| format!("no model file under {}", dir.display()))?;
        let rel = file.strip_prefix(models_dir).unwrap().to_string_lossy().into_owned();
        let digest = sha256_hex(&std::fs::read(file).map_err(|e| e.to_string())?);
        out.push_str(&format!("{name}\t{tier}\t{docker}\t{rel}\t{digest}\n"));
        n += 1;
    }
    std::fs::write(repo.join(PINS_FILE), out).map_err(|e| e.to_string())?;
    Ok(n)
}
