//! Olm sessions: outbound and inbound creation, long randomized conversations in both
//! directions (same-direction runs, out of order, replays, drops beyond the skipped-key limit),
//! session ids, matching, describe, and pickles of sessions and accounts at random points,
//! loaded crosswise; damaged messages and pickles.

use std::ffi::c_char;

use crate::api::{Account, Lib, Session};
use crate::harness::{json_strings, mutate, scratch, Obj, Out, Report};
use crate::scenarios::account::Acct;
use crate::scenarios::{both, offset, PICKLE_KEYS};

const F: &str = "session";

/// One library's session object.
pub struct Sess<'a> {
    s: &'a Session,
    obj: Obj,
    offset: usize,
}

// SAFETY (all calls below): live objects of the right kinds and buffers with their lengths.
impl<'a> Sess<'a> {
    fn new(s: &'a Session, offset: usize) -> Sess<'a> {
        let obj = Obj::new(unsafe { (s.olm_session_size)() }, offset, s.olm_session, s.olm_session_last_error, s.olm_session_last_error_code);
        Sess { s, obj, offset }
    }

    fn renew(&mut self) {
        *self = Sess::new(self.s, self.offset);
    }

    fn create_outbound(&mut self, account: &Acct, identity_key: &[u8], one_time_key: &[u8], random: &[u8]) -> Out {
        let mut rnd = random.to_vec();
        let ret = unsafe {
            (self.s.olm_create_outbound_session)(
                self.obj.ptr,
                account.obj.ptr,
                identity_key.as_ptr(),
                identity_key.len(),
                one_time_key.as_ptr(),
                one_time_key.len(),
                rnd.as_mut_ptr(),
                rnd.len(),
            )
        };
        Out::of(&self.obj, ret).with_random(rnd)
    }

    fn create_inbound(&mut self, account: &mut Acct, from: Option<&[u8]>, message: &[u8]) -> Out {
        let mut msg = scratch(message);
        let ret = unsafe {
            match from {
                Some(key) => (self.s.olm_create_inbound_session_from)(
                    self.obj.ptr,
                    account.obj.ptr,
                    key.as_ptr(),
                    key.len(),
                    msg.as_mut_ptr(),
                    msg.len(),
                ),
                None => (self.s.olm_create_inbound_session)(self.obj.ptr, account.obj.ptr, msg.as_mut_ptr(), msg.len()),
            }
        };
        Out::of(&self.obj, ret)
    }

    fn matches(&mut self, from: Option<&[u8]>, message: &[u8]) -> Out {
        let mut msg = scratch(message);
        let ret = unsafe {
            match from {
                Some(key) => (self.s.olm_matches_inbound_session_from)(self.obj.ptr, key.as_ptr(), key.len(), msg.as_mut_ptr(), msg.len()),
                None => (self.s.olm_matches_inbound_session)(self.obj.ptr, msg.as_mut_ptr(), msg.len()),
            }
        };
        Out::of(&self.obj, ret)
    }

    fn remove_one_time_keys(&mut self, account: &mut Acct) -> Out {
        let ret = unsafe { (self.s.olm_remove_one_time_keys)(account.obj.ptr, self.obj.ptr) };
        Out::of(&account.obj, ret)
    }

    /// Encrypts; the outcome holds the message type, the message and the wiped random buffer.
    fn encrypt(&mut self, plaintext: &[u8], random_len: Option<usize>, random: &[u8], message_len: Option<usize>) -> Out {
        let kind = unsafe { (self.s.olm_encrypt_message_type)(self.obj.ptr) };
        let need = unsafe { (self.s.olm_encrypt_random_length)(self.obj.ptr) };
        let mut rnd = random[..random_len.unwrap_or(need).min(random.len())].to_vec();
        let len = message_len.unwrap_or_else(|| unsafe { (self.s.olm_encrypt_message_length)(self.obj.ptr, plaintext.len()) });
        let mut message = vec![0u8; len];
        let ret = unsafe {
            (self.s.olm_encrypt)(self.obj.ptr, plaintext.as_ptr(), plaintext.len(), rnd.as_mut_ptr(), rnd.len(), message.as_mut_ptr(), message.len())
        };
        let mut out = Out::of(&self.obj, ret).with(message).with_random(rnd);
        out.data.push(vec![kind as u8, need as u8]);
        out
    }

    /// Decrypts (max length first, then the plaintext), each on its own copy of the message.
    fn decrypt(&mut self, kind: usize, message: &[u8], out_len: Option<usize>) -> Out {
        let mut msg = scratch(message);
        let max = unsafe { (self.s.olm_decrypt_max_plaintext_length)(self.obj.ptr, kind, msg.as_mut_ptr(), msg.len()) };
        let max_out = Out::of(&self.obj, max);
        let len = out_len.unwrap_or(if max == usize::MAX { 0 } else { max });
        let mut plaintext = vec![0u8; len];
        let mut msg = scratch(message);
        let ret = unsafe { (self.s.olm_decrypt)(self.obj.ptr, kind, msg.as_mut_ptr(), msg.len(), plaintext.as_mut_ptr(), plaintext.len()) };
        let mut out = Out::of(&self.obj, ret);
        if ret != usize::MAX {
            plaintext.truncate(ret);
        }
        out.data = vec![plaintext, max_out.ret.to_le_bytes().to_vec(), max_out.code().to_le_bytes().to_vec()];
        out
    }

    fn id(&mut self, len: Option<usize>) -> Out {
        let n = len.unwrap_or_else(|| unsafe { (self.s.olm_session_id_length)(self.obj.ptr) });
        let mut buf = vec![0u8; n];
        let ret = unsafe { (self.s.olm_session_id)(self.obj.ptr, buf.as_mut_ptr(), buf.len()) };
        Out::of(&self.obj, ret).with(buf)
    }

    /// `olm_session_describe` into `len` bytes: the string up to its NUL.
    fn describe(&mut self, len: usize) -> Out {
        let mut buf = vec![0x55u8; len];
        unsafe { (self.s.olm_session_describe)(self.obj.ptr, buf.as_mut_ptr() as *mut c_char, buf.len()) };
        let text = match buf.iter().position(|&c| c == 0) {
            Some(n) => buf[..=n].to_vec(),
            None if len == 0 => Vec::new(),
            None => b"<no NUL>".to_vec(),
        };
        Out::ret(0).with(text)
    }

    fn state(&mut self) -> Out {
        let flag = unsafe { (self.s.olm_session_has_received_message)(self.obj.ptr) };
        let kind = unsafe { (self.s.olm_encrypt_message_type)(self.obj.ptr) };
        Out::ret(flag as u64).with(vec![kind as u8])
    }

    fn pickled(&mut self, key: &[u8]) -> Out {
        let n = unsafe { (self.s.olm_pickle_session_length)(self.obj.ptr) };
        let mut buf = vec![0u8; n];
        let ret = unsafe { (self.s.olm_pickle_session)(self.obj.ptr, key.as_ptr(), key.len(), buf.as_mut_ptr(), buf.len()) };
        Out::of(&self.obj, ret).with(buf)
    }

    fn unpickle(&mut self, key: &[u8], pickled: &[u8]) -> Out {
        let mut buf = scratch(pickled);
        let ret = unsafe { (self.s.olm_unpickle_session)(self.obj.ptr, key.as_ptr(), key.len(), buf.as_mut_ptr(), buf.len()) };
        Out::of(&self.obj, ret)
    }
}

/// One party of a conversation on one library.
struct Peer<'a> {
    account: Acct<'a>,
    session: Sess<'a>,
}

/// Both parties on one library: index 0 is Alice (who starts), 1 is Bob.
struct Side<'a> {
    peers: [Peer<'a>; 2],
}

/// A message in flight.
#[derive(Clone)]
struct Msg {
    to: usize,
    kind: usize,
    body: Vec<u8>,
    plaintext: Vec<u8>,
}

fn new_side<'a>(r: &mut Report, i: usize, a: &'a Account, s: &'a Session) -> Side<'a> {
    let mut peer = || Peer { account: Acct::new(a, offset(r, i)), session: Sess::new(s, offset(r, i)) };
    Side { peers: [peer(), peer()] }
}

/// Alice on one library and Bob on the other, mirrored on the second side: every message one
/// library writes is read by the other, and the two mirrors must still agree byte for byte.
fn mixed_sides<'a>(r: &mut Report, a: [&'a Account; 2], s: [&'a Session; 2]) -> [Side<'a>; 2] {
    let mut peer = |k: usize| Peer { account: Acct::new(a[k], offset(r, k)), session: Sess::new(s[k], offset(r, k)) };
    let first = Side { peers: [peer(0), peer(1)] };
    let second = Side { peers: [peer(1), peer(0)] };
    [first, second]
}

/// Pickles a session (and sometimes the accounts) on both sides and swaps the pickles: each
/// library continues from the other's.
fn pickle_crosswise(r: &mut Report, sides: &mut [Side; 2], who: usize) -> Option<()> {
    let key = *r.rng.pick(PICKLE_KEYS);
    let pickled = r.step(F, "pickle_session", sides, |s| s.peers[who].session.pickled(key))?.output();
    if r.rng.one_in(3) {
        let bad = mutate(&mut r.rng, &pickled);
        // Each probe at its library's offset: in mixed sides either may be libolm, whose
        // objects need aligned memory (armv7's strd faults on an odd address).
        let [a, b] = [&sides[0].peers[who].session, &sides[1].peers[who].session];
        let mut probes = [Sess::new(a.s, a.offset), Sess::new(b.s, b.offset)];
        if !r.step(F, "unpickle damaged session", &mut probes, |s| s.unpickle(key, &bad))?.failed() {
            r.step(F, "describe session from damaged pickle", &mut probes, |s| s.describe(600))?;
        }
        let wrong = [key, b"!"].concat();
        r.step(F, "unpickle session with a wrong key", &mut probes, |s| s.unpickle(&wrong, &pickled))?;
    }
    let sent = [pickled.clone(), pickled.clone()];
    r.stepi(F, "unpickle the other library's session", sides, |i, s| {
        s.peers[who].session.renew();
        s.peers[who].session.unpickle(key, &sent[1 - i])
    })?;
    let again = r.step(F, "re-pickle session", sides, |s| s.peers[who].session.pickled(key))?.output();
    r.check(F, again == pickled, || "a session re-pickle differs".into());
    if r.rng.one_in(2) {
        let key = *r.rng.pick(PICKLE_KEYS);
        let pickled = r.step(F, "pickle account", sides, |s| s.peers[who].account.pickled(key))?.output();
        let sent = [pickled.clone(), pickled];
        r.stepi(F, "unpickle the other library's account", sides, |i, s| {
            s.peers[who].account.renew();
            s.peers[who].account.unpickle(key, &sent[1 - i])
        })?;
    }
    Some(())
}

/// Creates the accounts and the session pair; returns Bob's first message queue.
fn establish(r: &mut Report, sides: &mut [Side; 2], pending: &mut Vec<Msg>) -> Option<()> {
    for who in 0..2 {
        let random = r.rng.bytes(64);
        r.step(F, "create_account", sides, |s| s.peers[who].account.create(&random))?;
    }
    let count = r.rng.range(1, 4);
    let random = r.rng.bytes(count * 32);
    r.step(F, "bob generates one-time keys", sides, |s| s.peers[1].account.generate_one_time_keys(count, &random))?;
    let use_fallback = r.rng.one_in(4);
    if use_fallback {
        let random = r.rng.bytes(32);
        r.step(F, "bob generates a fallback key", sides, |s| s.peers[1].account.generate_fallback_key(&random))?;
    }
    let identities: Vec<Out> = (0..2).map(|who| r.step(F, "identity keys", sides, |s| s.peers[who].account.identity())).collect::<Option<_>>()?;
    // The curve25519 key comes first in libolm's identity-key JSON.
    let curve = |o: &Out| json_strings(&o.output(), 43).first().cloned().unwrap_or_default();
    let (alice_key, bob_key) = (curve(&identities[0]), curve(&identities[1]));
    let otk_json = if use_fallback {
        r.step(F, "bob's fallback key", sides, |s| {
            let n = unsafe { (s.peers[1].account.a.olm_account_unpublished_fallback_key_length)(s.peers[1].account.obj.ptr) };
            s.peers[1].account.unpublished_fallback_key(n)
        })?
    } else {
        r.step(F, "bob's one-time keys", sides, |s| s.peers[1].account.otks())?
    };
    let otks = json_strings(&otk_json.output(), 43);
    let otk = r.rng.pick(&otks).clone();
    r.step(F, "create_outbound_session_random_length", sides, |s| {
        Out::ret(unsafe { (s.peers[0].session.s.olm_create_outbound_session_random_length)(s.peers[0].session.obj.ptr) } as u64)
    })?;
    if r.rng.one_in(4) {
        // Faults: a short random buffer, a damaged key.
        let random = r.rng.bytes_below(64);
        r.step(F, "create_outbound_session, not enough random", sides, |s| {
            let Peer { account, session } = &mut s.peers[0];
            session.create_outbound(account, &bob_key, &otk, &random)
        })?;
        let bad = mutate(&mut r.rng, &otk);
        let random = r.rng.bytes(64);
        r.step(F, "create_outbound_session, damaged key", sides, |s| {
            let Peer { account, session } = &mut s.peers[0];
            let mut fresh = Sess::new(session.s, 0);
            fresh.create_outbound(account, &bob_key, &bad, &random)
        })?;
    }
    let random = r.rng.bytes(64);
    r.step(F, "create_outbound_session", sides, |s| {
        let Peer { account, session } = &mut s.peers[0];
        session.create_outbound(account, &bob_key, &otk, &random)
    })?;
    // Alice sends one or more pre-key messages before Bob answers.
    for _ in 0..r.rng.range(1, 3) {
        send(r, sides, 0, pending)?;
    }
    let first = pending[r.rng.below(pending.len())].clone();
    let from = r.rng.one_in(2).then_some(alice_key.clone());
    if r.rng.one_in(3) {
        let bad = mutate(&mut r.rng, &first.body);
        r.step(F, "create_inbound_session, damaged message", sides, |s| {
            let Peer { account, session } = &mut s.peers[1];
            Sess::new(session.s, 0).create_inbound(account, from.as_deref(), &bad)
        })?;
        let bad_key = mutate(&mut r.rng, &alice_key);
        r.step(F, "create_inbound_session_from, damaged identity key", sides, |s| {
            let Peer { account, session } = &mut s.peers[1];
            Sess::new(session.s, 0).create_inbound(account, Some(&bad_key), &first.body)
        })?;
    }
    r.step(F, "create_inbound_session", sides, |s| {
        let Peer { account, session } = &mut s.peers[1];
        session.create_inbound(account, from.as_deref(), &first.body)
    })?;
    for m in pending.iter() {
        r.step(F, "matches_inbound_session", sides, |s| s.peers[1].session.matches(None, &m.body))?;
        r.step(F, "matches_inbound_session_from", sides, |s| s.peers[1].session.matches(Some(&alice_key), &m.body))?;
        r.step(F, "matches_inbound_session_from, other key", sides, |s| s.peers[1].session.matches(Some(&bob_key), &m.body))?;
    }
    let ids = [0, 1].map(|who| r.step(F, "session_id", sides, |s| s.peers[who].session.id(None)));
    let [Some(a), Some(b)] = ids else { return None };
    r.check(F, a.output() == b.output(), || "Alice's and Bob's session ids differ".into());
    let short = r.rng.below(43);
    r.step(F, "session_id, short buffer", sides, |s| s.peers[0].session.id(Some(short)))?;
    r.step(F, "remove_one_time_keys", sides, |s| {
        let Peer { account, session } = &mut s.peers[1];
        session.remove_one_time_keys(account)
    })?;
    // The one-time key is gone: a second inbound session from the same message fails, unless
    // it was the fallback key.
    r.step(F, "create_inbound_session again", sides, |s| {
        let Peer { account, session } = &mut s.peers[1];
        Sess::new(session.s, 0).create_inbound(account, None, &first.body)
    })?;
    Some(())
}

/// `from` encrypts a random plaintext; the message joins the pending queue.
fn send(r: &mut Report, sides: &mut [Side; 2], from: usize, pending: &mut Vec<Msg>) -> Option<()> {
    let plaintext = { let len = if r.rng.one_in(8) { 0 } else { r.rng.range(1, 200) }; r.rng.bytes(len) };
    let random = r.rng.bytes(32);
    if r.rng.one_in(12) {
        let short = Some(r.rng.below(32));
        r.step(F, "encrypt, not enough random", sides, |s| s.peers[from].session.encrypt(&plaintext, short, &random, None))?;
        let small = Some(r.rng.below(40));
        r.step(F, "encrypt, short output", sides, |s| s.peers[from].session.encrypt(&plaintext, None, &random, small))?;
    }
    let out = r.step(F, "encrypt", sides, |s| s.peers[from].session.encrypt(&plaintext, None, &random, None))?;
    if !out.failed() {
        pending.push(Msg { to: 1 - from, kind: out.data[1][0] as usize, body: out.output(), plaintext });
    }
    Some(())
}

fn deliver(r: &mut Report, sides: &mut [Side; 2], m: &Msg, label: &str) -> Option<Out> {
    let out = r.step(F, label, sides, |s| s.peers[m.to].session.decrypt(m.kind, &m.body, None))?;
    Some(out)
}

fn conversation(r: &mut Report, sides: &mut [Side; 2], turns: usize) -> Option<()> {
    let mut pending = Vec::new();
    establish(r, sides, &mut pending)?;
    let mut delivered: Vec<Msg> = Vec::new();
    let mut decrypted = 0;
    let mut sender = 1;
    for _ in 0..turns {
        match r.rng.below(20) {
            0..=8 => {
                // Runs in one direction are common.
                if r.rng.one_in(3) {
                    sender = 1 - sender;
                }
                // Bob can only answer once the inbound session exists (it does after establish).
                send(r, sides, sender, &mut pending)?;
            }
            9..=14 if !pending.is_empty() => {
                // In order mostly, out of order sometimes.
                let i = if r.rng.one_in(3) { r.rng.below(pending.len()) } else { 0 };
                let m = pending.remove(i);
                let out = deliver(r, sides, &m, "decrypt")?;
                if !out.failed() {
                    decrypted += 1;
                    r.check(F, out.data[0] == m.plaintext, || "decrypted plaintext differs from what was sent".into());
                }
                delivered.push(m);
            }
            15 if !delivered.is_empty() => {
                let m = r.rng.pick(&delivered).clone();
                deliver(r, sides, &m, "decrypt a replay")?;
            }
            16 if !pending.is_empty() => {
                // Damaged message, wrong type, or a short plaintext buffer.
                let m = pending[r.rng.below(pending.len())].clone();
                let bad = Msg { body: mutate(&mut r.rng, &m.body), ..m.clone() };
                deliver(r, sides, &bad, "decrypt a damaged message")?;
                let wrong = Msg { kind: if r.rng.one_in(4) { 7 } else { 1 - m.kind }, ..m.clone() };
                deliver(r, sides, &wrong, "decrypt with a wrong type")?;
                let small = r.rng.below(m.plaintext.len() + 1);
                r.step(F, "decrypt, short buffer", sides, |s| s.peers[m.to].session.decrypt(m.kind, &m.body, Some(small)))?;
            }
            17 => {
                // A burst from one side, most of it dropped or delivered late: beyond the
                // skipped-key limit the oldest keys are gone.
                let from = r.rng.below(2);
                let start = pending.len();
                for _ in 0..r.rng.range(3, 50) {
                    send(r, sides, from, &mut pending)?;
                }
                let mut burst: Vec<Msg> = pending.drain(start..).collect();
                burst.reverse();
                for m in burst {
                    if r.rng.one_in(3) {
                        continue;
                    }
                    deliver(r, sides, &m, "decrypt out of a reversed burst")?;
                }
            }
            18 => {
                let len = *r.rng.pick(&[0, 1, 22, 23, 24, 30, 31, 60, 600]);
                r.step(F, "describe", sides, |s| s.peers[0].session.describe(len))?;
                r.step(F, "describe", sides, |s| s.peers[1].session.describe(600))?;
                let who = r.rng.below(2);
                r.step(F, "has_received_message and message type", sides, |s| s.peers[who].session.state())?;
            }
            _ => {
                let who = r.rng.below(2);
                pickle_crosswise(r, sides, who)?;
            }
        }
    }
    // Deliver what is left, in random order.
    while !pending.is_empty() {
        let m = pending.remove(r.rng.below(pending.len()));
        deliver(r, sides, &m, "decrypt the rest")?;
    }
    r.check(F, decrypted > 0 || turns < 20, || "a conversation in which nothing decrypted".into());
    r.step(F, "final describe (alice)", sides, |s| s.peers[0].session.describe(2000))?;
    r.step(F, "final describe (bob)", sides, |s| s.peers[1].session.describe(2000))?;
    Some(())
}

/// A gap of 2000 messages is accepted, 2001 refused.
fn message_gap(r: &mut Report, sides: &mut [Side; 2]) -> Option<()> {
    let mut pending = Vec::new();
    establish(r, sides, &mut pending)?;
    for m in pending.drain(..) {
        deliver(r, sides, &m, "decrypt")?;
    }
    // Bob answers so that Alice's next messages are normal messages on a fresh chain.
    send(r, sides, 1, &mut pending)?;
    let m = pending.pop()?;
    deliver(r, sides, &m, "decrypt")?;
    for gap in [2000, 2001] {
        let mut last = None;
        for _ in 0..=gap {
            let mut q = Vec::new();
            let plaintext = [7u8; 4];
            let random = r.rng.bytes(32);
            let [a, b] = sides;
            let outs = [a, b].map(|s| s.peers[0].session.encrypt(&plaintext, None, &random, None));
            let body = outs[0].output();
            if outs[0] != outs[1] {
                r.same(F, "encrypt in a long run", outs)?;
            }
            q.push(Msg { to: 1, kind: 1, body, plaintext: plaintext.to_vec() });
            last = q.pop();
        }
        let m = last?;
        let out = deliver(r, sides, &m, &format!("decrypt after a gap of {gap}"))?;
        r.check(F, out.failed() == (gap == 2001), || format!("a gap of {gap}: libolm's limit is 2000"));
    }
    Some(())
}

pub fn run(r: &mut Report, libs: [&Lib; 2], rounds: usize) {
    let Some(accounts) = both(r, "account", libs, |l| &l.account) else {
        r.skip(F, "needs the account family".into());
        return;
    };
    let Some(sessions) = both(r, F, libs, |l| &l.session) else { return };
    for i in 0..rounds {
        let mut sides = if i % 3 == 1 {
            mixed_sides(r, accounts, sessions)
        } else {
            [0, 1].map(|k| new_side(r, k, accounts[k], sessions[k]))
        };
        let turns = if i % 3 == 0 { 150 } else { 40 };
        conversation(r, &mut sides, turns);
    }
    let mut sides = [0, 1].map(|k| new_side(r, k, accounts[k], sessions[k]));
    message_gap(r, &mut sides);
}
