#!/bin/sh
# Makes the fleet-audit example of README.md in a new directory (default
# ./audit-example) and runs it: three generations of a cluster's ITL built with
# `itltool build` from the test keys in testvectors/ (2023: as installed; 2024:
# CallManager certificate regenerated; 2025: TVS regenerated too, the server's
# ITLFile.tlv now), a planned next ITL signed by the ITLRecovery key, and a
# phones.csv as an inventory tool would export it.
#
#   scripts/audit-example.sh [DIR]      (needs target/release/itltool, or ITLTOOL=path)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
itltool=${ITLTOOL:-$root/target/release/itltool}
dir=${1:-audit-example}
keys=$root/testvectors/own/keys
regen=$root/testvectors/own/compare
mkdir "$dir"
cd "$dir"
mkdir -p history/2023 history/2024 history/2025
build() { # OUT TIMESTAMP SIGNER CCM TVS
    "$itltool" build -o "$1" --filename ITLFile.tlv --timestamp "$2" --signer "$3.crt" --key "$3.key" \
        --record "SAST:$3.crt" --record "CCM+TFTP:$4.crt" \
        --record "TVS:$5.crt,hash" --record "CAPF:$keys/capf.crt,hash" >/dev/null
}
build history/2023/ITLFile.tlv 1672531200 "$keys/publisher" "$keys/publisher" "$keys/tvs"
build history/2024/ITLFile.tlv 1704067200 "$regen/ccm-regen" "$regen/ccm-regen" "$keys/tvs"
build ITLFile.tlv 1735689600 "$regen/ccm-regen" "$regen/ccm-regen" "$regen/tvs-regen"
cp ITLFile.tlv history/2025/ITLFile.tlv
build ITL-next.tlv 1767225600 "$regen/itlrecovery" "$regen/ccm-regen" "$regen/tvs-regen"
md5() { "$itltool" hash "$1" | cut -d' ' -f1; }
sha1() { "$itltool" hash --algo sha1 "$1" | cut -d' ' -f1; }
upper() { tr a-f A-F; }
colons() { sed 's/../&:/g; s/:$//'; }
{
    echo 'name,mac,hash,model,location'
    echo "Lobby,SEP001E7A000001,$(md5 history/2023/ITLFile.tlv | upper),CP-8845,\"Zürich, 3rd floor\""
    echo "Reception,00:1e:7a:00:00:02,$(md5 history/2024/ITLFile.tlv | colons),CP-7975,RTP"
    echo "\"Smith, J.\",001e.7a00.0003,$(sha1 ITLFile.tlv),CP-8865,RTP"
    echo "Conf room,SEP001E7A000004,$(md5 ITLFile.tlv | upper),CP-8832,RTP"
    echo "Old phone,SEP001E7A000005,0123456789abcdef0123456789abcdef,CP-7841,Bldg 7"
    echo "Typo,SEP001E7A00006,$(md5 ITLFile.tlv),CP-7841,Bldg 7"
} > phones.csv
set +e
"$itltool" audit phones.csv --history history --server ITLFile.tlv --next ITL-next.tlv
echo "exit status $?"
