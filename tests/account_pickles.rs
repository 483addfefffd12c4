//! Account pickles of every version libolm has written, made with (and checked against) the
//! real libolm 3.2: version 4 as libolm writes it, versions 2 and 3 laid out as libolm's source
//! describes them and sealed under the same key, version 1, an unknown version, and damaged
//! pickles. Each vector records what libolm 3.2 itself gives for it: the one-time key and
//! fallback key JSON and the version 4 pickle it writes back, or its error.

use olm::core::account::Account;
use olm::core::pickle::{open, seal, sealed_len, Pickle, UnpickleError};

const KEY: &[u8] = b"test pickle key";
const IDENTITY_KEYS: &str = r#"{"curve25519":"NYBy1jZYgNGu6jKa35EhODhR7SGijjt16WXQ0s0WYlQ","ed25519":"A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg"}"#;

type Expected = Result<(&'static str, &'static str, &'static str), &'static str>;

const VECTORS: &[(&str, &str, Expected)] = &[
    ("v4", r#"xGieoSZSGTo5ySFeNtMrOwii8GX2H6FPgDB6x0yquQS8LmmJTF1F6xUWzuDCBiRMlaBE5iiyGJjKFuij56JCOlgbvydpOx9Bow28IiEcu/azaln2kgVjR+uuNg7vi9sgvFcrJ686Ev2EVbdeiswgj+WPUDDScwbyj3MG/TFcyUrOsVwUmp3c30YYN5kRzDpk0rU0MCvKo50lpLeEQSr8MDZoAr7NFLWgn397xHzSQ+EGJ0ceSprI6lc/0IorB0icgSBdP+usHPhFUyK8IPjEyRun8TWaiq7OshfgETBGRswhDHaAfbq/S8gcGrCbtqWfKa5QBUdqDtML1Vwjhkd1HlNjbTBf1bD8HDr/F+uUYM/yqU4DCbi7/FSbXfuZjMUD46k0lEm+KHVlBmEkEwF9kE7pUYUXXemN5ZqmdzESE5LypDjgQ++cW7L0gqsT5gjWpMuU0QUfttaa9SUldS72lMRbhx2MDzVV2upu0oeNmSBr2GUIalXX2gKIfBXoGxGdrz8DsfOGnLXbuHrlfvs3Hs9cHIwC4mQAReutUzprYhXjTd8siMyVuOGS5gwgAtYAy82sX8n0cQXO1LldLEoMW8s4V6O+7vXL775/KuWDg0odkgRBPrg8RwuFlPuYOBbHCsctJacpTDSusaieMvJM2XF+W6mIzThJRqTOzu/Nc8IXjC71cuSF2ZwWC8kNV33G6i13fFhFC+3YZ/cJn2Uy1KNT7vneZRf/ko1bEfJ+7OLdFnU3DJWCsqNSWHavV7z3peMQ8GrrxJ+ztiBxdWoPYfboojz7Lugb"#, Ok((r#"{"curve25519":{"AAAABg":"V9tLNZ8jrl4Ubk4lEgVnBHIlBjSMFQwUdT0Mkz0E1CE"}}"#, r#"{"curve25519":{"AAAABQ":"MdSras7slhE3kXA3k25gcW+sVzr+lNnahKgCBEjfwRI"}}"#, r#"xGieoSZSGTo5ySFeNtMrOwii8GX2H6FPgDB6x0yquQS8LmmJTF1F6xUWzuDCBiRMlaBE5iiyGJjKFuij56JCOlgbvydpOx9Bow28IiEcu/azaln2kgVjR+uuNg7vi9sgvFcrJ686Ev2EVbdeiswgj+WPUDDScwbyj3MG/TFcyUrOsVwUmp3c30YYN5kRzDpk0rU0MCvKo50lpLeEQSr8MDZoAr7NFLWgn397xHzSQ+EGJ0ceSprI6lc/0IorB0icgSBdP+usHPhFUyK8IPjEyRun8TWaiq7OshfgETBGRswhDHaAfbq/S8gcGrCbtqWfKa5QBUdqDtML1Vwjhkd1HlNjbTBf1bD8HDr/F+uUYM/yqU4DCbi7/FSbXfuZjMUD46k0lEm+KHVlBmEkEwF9kE7pUYUXXemN5ZqmdzESE5LypDjgQ++cW7L0gqsT5gjWpMuU0QUfttaa9SUldS72lMRbhx2MDzVV2upu0oeNmSBr2GUIalXX2gKIfBXoGxGdrz8DsfOGnLXbuHrlfvs3Hs9cHIwC4mQAReutUzprYhXjTd8siMyVuOGS5gwgAtYAy82sX8n0cQXO1LldLEoMW8s4V6O+7vXL775/KuWDg0odkgRBPrg8RwuFlPuYOBbHCsctJacpTDSusaieMvJM2XF+W6mIzThJRqTOzu/Nc8IXjC71cuSF2ZwWC8kNV33G6i13fFhFC+3YZ/cJn2Uy1KNT7vneZRf/ko1bEfJ+7OLdFnU3DJWCsqNSWHavV7z3peMQ8GrrxJ+ztiBxdWoPYfboojz7Lugb"#))),
    ("v3", r#"1rAOcrBNhXM2aMbTv++8yn2NWa0mumVFxpOaqkkHPCDMDKqtObGvmtAD5AD/h4+AwvBJKhi8yTtUf7LkuMP9Efnj3nYOvbg6KWkCsvvBIXOGz4T91eUHGy8w8t2gpiFa7Wdi3IW8EugI7Ibnm77XnWdUAIN9VMb0EiTLffRLaFVn+mMiOWh4xjOLjdQ95JQGLaeqTuc7ZoZsUgopqWpWPETICB7EwURfpR8b+rcKqd4sOi1BBs8Q4jf0mKRtSJKS6SI6BMvKmBvoWO458IpPZoFYOKi+ZUCLWQSjlwOpgdUwdg4v3A4edqNqEgTnAMmOHz5A/3Q5cMLQXUP3Yrt40eik9i12B/YPGLremNY2Jl+4IomnRNP6J0wjSuzSCfR/g3fI38sR43QEnuFyLCqyDgnhlNTS9TWhbGCPKSREZILu2niTIay08FUuaq9dmjCeXOEdunjMjXmnj8f9/L2uA77ApDAdtfNcjuvZSu7bTsqpr/6mDhsJp+DM+hCnyCeJolhuL4h+As7M2/vaTMbE9MGb7DGt0etkIoRrIpuKteXspmjb4OutVzwbTVxxMdEfkGxkJPl4sFEjlq5VJVSnphFrSYE9evPs/+Ns4cXKCobW7JVoUJvPss0nNDoX0q33HbQL/0oXf6ae4eYEWZh5fnPNQC8rz0ATpWK9Ay+dMB114ijXF1kZYtz3f3xQMWKpl76RuifQXaD2vT4KCpaKXblNaA4ABhGNXSgX1n65LZSTQg7Ugp+zLEKSAAGdLuUNO8W4o9NBFaCGSH1/0IHTmejc8l76uYlz"#, Ok((r#"{"curve25519":{"AAAABg":"V9tLNZ8jrl4Ubk4lEgVnBHIlBjSMFQwUdT0Mkz0E1CE"}}"#, r#"{"curve25519":{}}"#, r#"xGieoSZSGTo5ySFeNtMrOwii8GX2H6FPgDB6x0yquQS8LmmJTF1F6xUWzuDCBiRMlaBE5iiyGJjKFuij56JCOlgbvydpOx9Bow28IiEcu/azaln2kgVjR+uuNg7vi9sgvFcrJ686Ev2EVbdeiswgj+WPUDDScwbyj3MG/TFcyUrOsVwUmp3c30YYN5kRzDpk0rU0MCvKo50lpLeEQSr8MDZoAr7NFLWgn397xHzSQ+EGJ0ceSprI6lc/0IorB0icgSBdP+usHPhFUyK8IPjEyRun8TWaiq7OshfgETBGRswhDHaAfbq/S8gcGrCbtqWfKa5QBUdqDtML1Vwjhkd1HlNjbTBf1bD8HDr/F+uUYM/yqU4DCbi7/FSbXfuZjMUD46k0lEm+KHVlBmEkEwF9kE7pUYUXXemN5ZqmdzESE5LypDjgQ++cW7L0gqsT5gjWpMuU0QUfttaa9SUldS72lMRbhx2MDzVV2upu0oeNmSBr2GUIalXX2gKIfBXoGxGdrz8DsfOGnLXbuHrlfvs3Hs9cHIwC4mQAReutUzprYhXjTd8siMyVuOGS5gwgAtYAmNeKS2XByvHfCuWa3bxJ0bQrH6fiAdQo1TBxhOYTJBnvtOdoGXkf+A"#))),
    ("v2", r#"r4hcs8g1/dApIQC1HDXC8Thgxto6o3HP5O4AB/lPNxQuBVfhM2Bj6EblhluXgdMU2nWsL0ssvMGwPVxRrkjd5+P1H2PMBSp8pFjZbC/UarbIu+PHr0gYay1+mQvYjaVnXFAX723XRLQOkxC7C8UVX16jKqgZ0/0ZOZ6r6l1bd4y8xXjkYNf4kTozCpRiNwGD/2EDOISWqmR9GLhohmZ7Q4yb6WDtZHrWxazahufi2CMyjc2NfPG6MvKDwM3GBLRHZ1uqcafVMnQQa0gMKyhbrFgLlK7EYEDjXlF/5olC+IoClgKgdMTuzbj21HmABXYGwP0pLfO8IWN97HO2xNsauVwSUfFRpPiPkheCT6k9naYRnXQ1z6dxL2oghc0Og+VDbHrstrisuwBuMM/IqhWn13hK6i6l5eMeWAJofSOQEQGx6Oycz0qbIYsOBQVyDCAFMm2+FUl78XSTVnu7wALbxNuCEMEwUXJQyTnPaxpLKYRLdhuNrF7KCWT94hhU4FXW2gNTCODC1yB7orH0dJSmLX3EK8tMxRGC7LZgGkrJpeWoMdZMatP2fphQv3RvsHxhu7bzY3IUizOt9l70/bhBp/m4RONeZ41E+ulmB+3lJnwW7AvepvipVg"#, Ok((r#"{"curve25519":{"AAAABg":"V9tLNZ8jrl4Ubk4lEgVnBHIlBjSMFQwUdT0Mkz0E1CE"}}"#, r#"{"curve25519":{}}"#, r#"xGieoSZSGTo5ySFeNtMrOwii8GX2H6FPgDB6x0yquQS8LmmJTF1F6xUWzuDCBiRMlaBE5iiyGJjKFuij56JCOlgbvydpOx9Bow28IiEcu/azaln2kgVjR+uuNg7vi9sgvFcrJ686Ev2EVbdeiswgj+WPUDDScwbyj3MG/TFcyUrOsVwUmp3c30YYN5kRzDpk0rU0MCvKo50lpLeEQSr8MDZoAr7NFLWgn397xHzSQ+EGJ0ceSprI6lc/0IorB0icgSBdP+usHPhFUyK8IPjEyRun8TWaiq7OshfgETBGRswhDHaAfbq/S8gcGrCbtqWfKa5QBUdqDtML1Vwjhkd1HlNjbTBf1bD8HDr/F+uUYM/yqU4DCbi7/FSbXfuZjMUD46k0lEm+KHVlBmEkEwF9kE7pUYUXXemN5ZqmdzESE5LypDjgQ++cW7L0gqsT5gjWpMuU0QUfttaa9SUldS72lMRbhx2MDzVV2upu0oeNmSBr2GUIalXX2gKIfBXoGxGdrz8DsfOGnLXbuHrlfvs3Hs9cHIwC4mQAReutUzprYhXjTd8siMyVuOGS5gwgAtYAmNeKS2XByvHfCuWa3bxJ0bQrH6fiAdQo1TBxhOYTJBnvtOdoGXkf+A"#))),
    ("v1", r#"9F0KDa/EUmdUM2sDCflNE+Qgs0ae+YvwgDOJYbU9NTmv20tNX7olOQgyH0xmB5+jgrRJYjp3CU9JEsI59aKPMnl74B5pupB7Kmkj5WIhREH/YBXSMC/SNB6/UPT7Q5oI/INdG2B+2VXHvJwe8NKXvPk8tEa6SxYs8aElUKvNfOg0x6wBKOv2pXtLW7DdkEr6cnmZpo4pz2j5P7TrCpcYRA47QHVBxAbBHdmCrb1h8p8BGnMhlu7hmXUjttuTXwqctJUvWLPdUz+khKsmKOGfiVFeud02heYNg0XrcM+S8+xWrlG83dmkJWEpeJLEnuXY8kdgtd0jv7JfejrdwwGodSH/DtfzHjgus4Uy2XKkSX+f9UFGffiSZStCrp4g4hQL3cioF/FQ9ZnCnUZAzEZqv8PiRukCG8Kcsrw/mgpHiymDUI0BAKHk9Eeh7XHlPR54R9L5X9nET8zhIwuFR7ZBt6p+Mz0/Gmz2GM1ODXHYf3EFKfsYYiGPedruDMpiOA5nw4juTk8Lj6xYH90RzwDx/zJzYL7Z2SyYQpydJWznEOX6Qay/X0Y5JBlouv7/m+k8FUprKEI2vdUjmnrYHmaCEsZPFoHN/H12pFMOJ046BbVYsUwkPEbmuQOwmR21xkkErRJTrzs0ex3Vw7rNwyCGfPjnogyqEWNff0C8wuISYNmXBU3857oGyQ1QhHALdIOaI/5RSCzSgaTQYL2Zpa4+6EUoslUaiH2CdrsGpoug4ZOLFZhnc1B5cA"#, Err("BAD_LEGACY_ACCOUNT_PICKLE")),
    ("v5", r#"4C0K+Qn6wmiK9ml7/gdEwi4IvWXtZIe7DSc5XivlEOBotoS0hx+Js8usqMtj9/xL4EmvruKZ6K52R5UwsHjPkpb3EC+Dj1GLoioFUqer99WunDZ2CSwQs6a3vrMiS7giL1Pe68Es0WqawZdFpikKZVkWZr6wf21+A/DBymOb9Jlt+4M1rAmzdqM2GGQA2nN+oqWLB2SaGlGdCMed34ElflUJz1h6VbQ0nrOrPaGtR0FtPBW9lAtOrthUBNEeJ3y6RlNe2Zf/kArvTB+3tkyxXSRpFgNUO5/IjtJHPFUj0kNgRbIKSA9qLJ1kzKQBN4XHAL20h55w2bCRDLdPmox7iTejr8vwRYTSNCKJ8d1Rv5yqqf2xfLBC9VVwObRSjyZAgRmP0pTIUKKKB6xApIVJOuF3OVpnDLWkzuiYEM0Vp6ZhnvjfEc9BQIrIWwv5YbvidlDoGYmeBw3CJJTftcb9IIWH39ApA3O+2g6+qYE/WcyqsoGXkbQj2xOEh2pvWcsVi1A9tICsp68NyA9+wQ+q0obt7ixPvc9P9oaRIDs5xTLLxSIRqyGeIOE+eqQ5H89Lo+5UUY21rxyu7fKfFF/TZb8Znuz19noLXvMFIHvaPmT14fuYE2qrouToXXQ4eb9EfWQrXxyVMCPVpaEWbcGfwVgsDMoZJwOd6MEklwICVXUJ38EHPumnGtS96PQ02Y3mIu0I0KON420YRIMLHoMqEaEIoftldlL4AHuBFfkDBqhFCpJ3hOiwuB1rfcR7ljsPQCe8p65Lm7ojg8ecTn1DWyE30xUnausS"#, Err("UNKNOWN_PICKLE_VERSION")),
    ("extra", r#"xGieoSZSGTo5ySFeNtMrOwii8GX2H6FPgDB6x0yquQS8LmmJTF1F6xUWzuDCBiRMlaBE5iiyGJjKFuij56JCOlgbvydpOx9Bow28IiEcu/azaln2kgVjR+uuNg7vi9sgvFcrJ686Ev2EVbdeiswgj+WPUDDScwbyj3MG/TFcyUrOsVwUmp3c30YYN5kRzDpk0rU0MCvKo50lpLeEQSr8MDZoAr7NFLWgn397xHzSQ+EGJ0ceSprI6lc/0IorB0icgSBdP+usHPhFUyK8IPjEyRun8TWaiq7OshfgETBGRswhDHaAfbq/S8gcGrCbtqWfKa5QBUdqDtML1Vwjhkd1HlNjbTBf1bD8HDr/F+uUYM/yqU4DCbi7/FSbXfuZjMUD46k0lEm+KHVlBmEkEwF9kE7pUYUXXemN5ZqmdzESE5LypDjgQ++cW7L0gqsT5gjWpMuU0QUfttaa9SUldS72lMRbhx2MDzVV2upu0oeNmSBr2GUIalXX2gKIfBXoGxGdrz8DsfOGnLXbuHrlfvs3Hs9cHIwC4mQAReutUzprYhXjTd8siMyVuOGS5gwgAtYAy82sX8n0cQXO1LldLEoMW8s4V6O+7vXL775/KuWDg0odkgRBPrg8RwuFlPuYOBbHCsctJacpTDSusaieMvJM2XF+W6mIzThJRqTOzu/Nc8IXjC71cuSF2ZwWC8kNV33G6i13fFhFC+3YZ/cJn2Uy1KNT7vneZRf/ko1bEfJ+7OLdFnU3DJWCsqNSWHavV7z3MdnE+u39CKFUr/ifLw2kIxdn42RNZLzh"#, Err("OLM_PICKLE_EXTRA_DATA")),
    ("truncated", r#"xGieoSZSGTo5ySFeNtMrOwii8GX2H6FPgDB6x0yquQS8LmmJTF1F6xUWzuDCBiRMlaBE5iiyGJjKFuij56JCOlgbvydpOx9Bow28IiEcu/azaln2kgVjR+uuNg7vi9sgvFcrJ686Ev2EVbdeiswgj+WPUDDScwbyj3MG/TFcyUrOsVwUmp3c30YYN5kRzDpk0rU0MCvKo50lpLeEQSr8MDZoAr7NFLWgn397xHzSQ+EGJ0ceSprI6lc/0IorB0icgSBdP+usHPhFUyK8IPjEyRun8TWaiq7OshfgETBGRswhDHaAfbq/S8gcGrCbtqWfKa5QBUdqDtML1Vwjhkd1HlNjbTBf1bD8HDr/F+uUYM/yqU4DCbi7/FSbXfuZjMUD46k0lEm+KHVlBmEkEwF9kE7pUYUXXemN5ZqmdzESE5LypDjgQ++cW7L0gqsT5gjWpMuU0QUfttaa9SUldS72lMRbhx2MDzVV2upu0oeNmSBr2GUIalXX2gKIfBXoGxGdrz8DsfOGnLXbuHrlfvs3Hs9cHIwC4mQAReutUzprYhXjTd8siMyVuOGS5gwgAtYAy82sX8n0cQXO1LldLEoMW8s4V6O+7vXL775/KuWDg0odkgRBPrg8RwuFlPuYOBbHCsctJacpTDSusaieMvJM2XF+W6mIzThJRqTOzu/Nc8IXjC71cuSF2ZwWC8kNV33G6i13fFhFC+3YZ/cJn2Uy1KNT7vneZRf/ko1bEfJ+7OLdFnU3DJWCsqNSWHavV7z3WJi4W5gbNu2vKIs1LIBRarOcQqgKkmza"#, Err("CORRUPTED_PICKLE")),
    ("three_fallbacks", r#"xGieoSZSGTo5ySFeNtMrOwii8GX2H6FPgDB6x0yquQS8LmmJTF1F6xUWzuDCBiRMlaBE5iiyGJjKFuij56JCOlgbvydpOx9Bow28IiEcu/azaln2kgVjR+uuNg7vi9sgvFcrJ686Ev2EVbdeiswgj+WPUDDScwbyj3MG/TFcyUrOsVwUmp3c30YYN5kRzDpk0rU0MCvKo50lpLeEQSr8MDZoAr7NFLWgn397xHzSQ+EGJ0ceSprI6lc/0IorB0icgSBdP+usHPhFUyK8IPjEyRun8TWaiq7OshfgETBGRswhDHaAfbq/S8gcGrCbtqWfKa5QBUdqDtML1Vwjhkd1HlNjbTBf1bD8HDr/F+uUYM/yqU4DCbi7/FSbXfuZjMUD46k0lEm+KHVlBmEkEwF9kE7pUYUXXemN5ZqmdzESE5LypDjgQ++cW7L0gqsT5gjWpMuU0QUfttaa9SUldS72lMRbhx2MDzVV2upu0oeNmSBr2GUIalXX2gKIfBXoGxGdrz8DsfOGnLXbuHrlfvs3Hs9cHIwC4mQAReutUzprYhXjTd8siMyVuOGS5gwgAtYAO75kpxzJ9IhkricTULITDRvd+JKHHm0WojdD1ZTS2SbswIQ8IG78JWXqQN45KKgnZf/uxcvpjCdRedSXGf5Ip/mIhzCFLNrmH+y/+/PxXmPaftzU6M1Ss3R2MSG+g9RPAnPFtF7ZZwS/ODiGSOnMkcvto/3Pq7ys94q4PHHlbpk6Qcfarrg/0w4kKGQa09WVoDvjiBOzPFUDgtKrttiWFIhbQUxCWHo3msVjLqIjZdz+3l3nzXoM8iZhiWG2qrzg/12p7EM9pr69eDCYI2zb9Wr4FYlMrtHAOPoEoety+5QNG4eE2b6BnU88zz/9M1vEkLfLFYHPS0k"#, Err("CORRUPTED_PICKLE")),
];

fn json(f: impl Fn(&mut [u8]) -> Result<usize, olm::core::OlmError>) -> String {
    let mut out = vec![0u8; 8192];
    let n = f(&mut out).unwrap();
    String::from_utf8(out[..n].to_vec()).unwrap()
}

#[test]
fn every_pickle_version_loads_as_in_libolm() {
    for (name, pickle, expected) in VECTORS {
        let result = open::<Account>(KEY, pickle.as_bytes());
        match (result, expected) {
            (Ok(account), Ok((otks, fallback, repickled))) => {
                assert_eq!(json(|o| account.identity_json(o)), IDENTITY_KEYS, "{name}");
                assert_eq!(json(|o| account.one_time_keys_json(o)), *otks, "{name}");
                assert_eq!(json(|o| account.fallback_key_json(o)), *fallback, "{name}");
                let mut out = vec![0u8; sealed_len(account.pickle_len())];
                seal(&account, KEY, &mut out).unwrap();
                assert_eq!(std::str::from_utf8(&out).unwrap(), *repickled, "{name}");
            }
            (Err(e), Err(code)) => {
                let got = match e {
                    UnpickleError::Corrupted => "CORRUPTED_PICKLE",
                    UnpickleError::Error(e) => e.as_str(),
                };
                assert_eq!(got, *code, "{name}");
            }
            (got, _) => panic!("{name}: {:?}", got.map(|_| ())),
        }
    }
}

#[test]
fn wrong_key_is_bad_account_key() {
    let (_, pickle, _) = VECTORS[0];
    let e = open::<Account>(b"wrong key", pickle.as_bytes()).err().unwrap();
    assert_eq!(e, UnpickleError::Error(olm::core::OlmError::BadAccountKey));
}
