// Generic cosim harness main: owns the Verilated model and answers a line protocol on stdin/stdout.
// It knows the design only through the generated port table (cosim_bindings.cpp). Every command
// gets exactly one reply line, `ok [payload]` or `err <message>`; blank lines and lines starting with
// '#' are ignored (so a command log can carry comments and still be replayed with `sim < log`).
//
// The protocol owns the original stdout; the design's own output ($display, Verilator's messages)
// is moved to stderr at start-up so it can never be mistaken for a reply.
#include "cosim_harness.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <unistd.h>
#ifdef __linux__
#include <csignal>
#include <sys/prctl.h>
#endif

#if VM_COVERAGE
#include "verilated_cov.h"
#endif
// The scope table: the public variables Harness::setRegister writes.
#include "verilated_syms.h"

#if VM_TRACE_FST
#include "verilated_fst_c.h"
using TraceFile = VerilatedFstC;
#elif VM_TRACE_VCD || VM_TRACE
#include "verilated_vcd_c.h"
using TraceFile = VerilatedVcdC;
#endif

namespace cosim {

namespace {

struct Entry {
    std::string usage;
    CommandFn fn;
};

// Function-local static: commands register during static initialisation, in any order.
std::map<std::string, Entry>& registry() {
    static std::map<std::string, Entry> r;
    return r;
}


int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

uint64_t parseUnsigned(const std::string& tok, const std::string& what) {
    if (tok.empty()) throw Error(what + ": empty number");
    bool isHex = tok.size() > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X');
    uint64_t v = 0;
    const uint64_t base = isHex ? 16 : 10;
    for (size_t i = isHex ? 2 : 0; i < tok.size(); ++i) {
        if (tok[i] == '_') continue;
        int d = isHex ? hexDigit(tok[i]) : (tok[i] >= '0' && tok[i] <= '9' ? tok[i] - '0' : -1);
        if (d < 0) throw Error(what + ": '" + tok + "' is not a " + (isHex ? "hex" : "decimal") + " number");
        if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / base)
            throw Error(what + ": '" + tok + "' does not fit in 64 bits");
        v = v * base + static_cast<uint64_t>(d);
    }
    return v;
}

std::string oneLine(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    return s;
}

}  // namespace

Command::Command(const char* name, const char* usage, CommandFn fn) {
    registry()[name] = Entry{usage, std::move(fn)};
}

std::string hex(uint64_t v, int width) {
    static const char* digits = "0123456789abcdef";
    const int n = (width + 3) / 4;
    std::string s(static_cast<size_t>(n), '0');
    for (int i = n - 1; i >= 0 && v; --i, v >>= 4) s[static_cast<size_t>(i)] = digits[v & 0xf];
    return s;
}

// ---- Port -----------------------------------------------------------------------------------

std::vector<uint32_t> Port::get() const {
    std::vector<uint32_t> w(static_cast<size_t>(words()), 0);
    if (width <= 8) w[0] = *static_cast<const uint8_t*>(data);
    else if (width <= 16) w[0] = *static_cast<const uint16_t*>(data);
    else if (width <= 32) w[0] = *static_cast<const uint32_t*>(data);
    else if (width <= 64) {
        const uint64_t v = *static_cast<const uint64_t*>(data);
        w[0] = static_cast<uint32_t>(v);
        w[1] = static_cast<uint32_t>(v >> 32);
    } else {
        const uint32_t* p = static_cast<const uint32_t*>(data);
        std::copy(p, p + words(), w.begin());
    }
    // Verilator keeps bits above the width clear for outputs, but mask anyway so a signed port never
    // shows sign-extension garbage.
    if (width % 32) w.back() &= (1u << (width % 32)) - 1u;
    return w;
}

void Port::set(const std::vector<uint32_t>& w) const {
    if (width <= 8) *static_cast<uint8_t*>(data) = static_cast<uint8_t>(w[0]);
    else if (width <= 16) *static_cast<uint16_t*>(data) = static_cast<uint16_t>(w[0]);
    else if (width <= 32) *static_cast<uint32_t*>(data) = w[0];
    else if (width <= 64) *static_cast<uint64_t*>(data) = (static_cast<uint64_t>(w[1]) << 32) | w[0];
    else std::copy(w.begin(), w.end(), static_cast<uint32_t*>(data));
}

std::string Port::hex() const {
    static const char* digits = "0123456789abcdef";
    const std::vector<uint32_t> w = get();
    const int n = (width + 3) / 4;
    std::string s(static_cast<size_t>(n), '0');
    for (int i = 0; i < n; ++i) {
        const uint32_t nib = (w[static_cast<size_t>(i / 8)] >> ((i % 8) * 4)) & 0xf;
        s[static_cast<size_t>(n - 1 - i)] = digits[nib];
    }
    return s;
}

void Port::setHex(const std::string& text) const {
    std::string t = text;
    if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) t = t.substr(2);
    t.erase(std::remove(t.begin(), t.end(), '_'), t.end());
    if (t.empty()) throw Error(std::string("poke ") + name + ": empty value");
    std::vector<uint32_t> w(static_cast<size_t>(words()), 0);
    int bit = 0;
    for (auto it = t.rbegin(); it != t.rend(); ++it, bit += 4) {
        const int d = hexDigit(*it);
        if (d < 0) throw Error(std::string("poke ") + name + ": '" + text + "' is not a hex number");
        if (d == 0) continue;
        // The highest set bit of this digit must stay inside the port.
        const int top = bit + (d >= 8 ? 3 : d >= 4 ? 2 : d >= 2 ? 1 : 0);
        if (top >= width)
            throw Error(std::string("poke ") + name + ": value 0x" + t + " does not fit in " +
                        std::to_string(width) + " bits");
        w[static_cast<size_t>(bit / 32)] |= static_cast<uint32_t>(d) << (bit % 32);
    }
    set(w);
}

uint64_t Port::u64() const {
    if (width > 64) throw Error(std::string(name) + " is wider than 64 bits; use hex()");
    const std::vector<uint32_t> w = get();
    return w.size() > 1 ? (static_cast<uint64_t>(w[1]) << 32) | w[0] : w[0];
}

void Port::setU64(uint64_t v) const {
    if (width > 64) throw Error(std::string(name) + " is wider than 64 bits; use setHex()");
    if (width < 64 && (v >> width)) throw Error(std::string(name) + ": value does not fit in " + std::to_string(width) + " bits");
    std::vector<uint32_t> w(static_cast<size_t>(words()), 0);
    w[0] = static_cast<uint32_t>(v);
    if (w.size() > 1) w[1] = static_cast<uint32_t>(v >> 32);
    set(w);
}

// ---- Args -----------------------------------------------------------------------------------

const std::string& Args::str(size_t i) const {
    if (i >= m_tokens.size())
        throw Error(m_command + ": missing argument " + std::to_string(i + 1));
    return m_tokens[i];
}

uint64_t Args::u64(size_t i) const {
    return parseUnsigned(str(i), m_command + " argument " + std::to_string(i + 1));
}

uint64_t Args::u64(size_t i, uint64_t fallback) const {
    return i < m_tokens.size() ? u64(i) : fallback;
}

int64_t Args::i64(size_t i) const {
    const std::string& t = str(i);
    const bool neg = !t.empty() && t[0] == '-';
    const uint64_t mag = parseUnsigned(neg ? t.substr(1) : t, m_command + " argument " + std::to_string(i + 1));
    if (mag > (neg ? static_cast<uint64_t>(INT64_MAX) + 1 : static_cast<uint64_t>(INT64_MAX)))
        throw Error(m_command + " argument " + std::to_string(i + 1) + ": '" + t + "' is out of range");
    return neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
}

void Args::expect(size_t min, size_t max) const {
    if (m_tokens.size() < min || m_tokens.size() > max) {
        const std::string want = min == max ? std::to_string(min) : std::to_string(min) + ".." + std::to_string(max);
        throw Error(m_command + ": expected " + want + " argument(s), got " + std::to_string(m_tokens.size()));
    }
}

// ---- Harness --------------------------------------------------------------------------------

void Harness::init(Vtop* model, VerilatedContext* ctx) {
    top = model;
    context = ctx;
    m_ports = gen::bindPorts(model);
    // Waveform time is counted in the design's time precision; a cycle is 10 ns whatever that is.
    m_halfPeriod = 5;
    for (int e = ctx->timeprecision(); e < -9; ++e) m_halfPeriod *= 10;
    // Every input is driven from time 0 (all zero, so reset, valids and enables are inactive): a
    // model built with --x-initial unique starts its inputs at random values too, and nothing may
    // depend on Verilator's zero initialisation.
    for (const Port& p : m_ports)
        if (p.input) p.set(std::vector<uint32_t>(static_cast<size_t>(p.words()), 0));
    gen::setClock(top, false);
    top->eval();
}

void Harness::eval() { top->eval(); }

void Harness::setRegister(const std::string& path, const std::string& hexValue) {
    // Verilator's scope table holds the public variables only: "TOP.<top>.<instance>..." scopes,
    // each with its variables by name (a flattened netlist's escaped names keep their dots).
    const VerilatedScopeNameMap* scopes = context->scopeNameMap();
    if (scopes) {
        for (const auto& entry : *scopes) {
            std::string scope = entry.first;
            if (scope.rfind("TOP.", 0) == 0) scope = scope.substr(4);
            if (path.size() <= scope.size() || path.compare(0, scope.size(), scope) != 0 || path[scope.size()] != '.') continue;
            const VerilatedVarNameMap* vars = entry.second->varsp();
            if (!vars) continue;
            const auto it = vars->find(path.c_str() + scope.size() + 1);
            if (it == vars->end()) continue;
            const VerilatedVar& v = it->second;
            if (v.udims() != 0 || v.dims() > 1) throw Error("register " + path + " is an array; only vectors can be preset");
            const int width = v.dims() == 0 ? 1 : std::abs(v.packed().left() - v.packed().right()) + 1;
            // The same storage rule as a port (uint8/16/32/64, wider as 32-bit words).
            const Port reg{it->first, width, true, false, v.datap()};
            reg.setHex(hexValue);
            return;
        }
    }
    throw Error("register " + path + " is not writable: build the simulator with it in BuildOptions.writable (Verilator keeps only those public)");
}

void Harness::dump() {
#if VM_TRACE
    // One sample per time point: a second dump at the same time would be ignored with a warning.
    if (!m_trace || (m_dumpedAny && m_lastDump == m_time)) return;
    static_cast<TraceFile*>(m_trace)->dump(m_time);
    m_dumpedAny = true;
    m_lastDump = m_time;
#endif
}

void Harness::step() {
    if (context->gotFinish())
        throw Error("the design called $finish; no more cycles can run (cycle " + std::to_string(m_cycle) + ")");
    // Inputs poked since the last step are sampled here, at the falling edge of the previous cycle.
    top->eval();
    dump();
    gen::setClock(top, true);
    top->eval();
    m_time += m_halfPeriod;
    dump();
    gen::setClock(top, false);
    top->eval();
    m_time += m_halfPeriod;
    ++m_cycle;
    if (context->gotFinish())
        throw Error("the design called $finish at cycle " + std::to_string(m_cycle));
}

void Harness::step(uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) step();
}

void Harness::reset(uint64_t n) {
    if (!gen::setReset(top, true)) throw Error("the top module has no reset port");
    step(n);
    gen::setReset(top, false);
    top->eval();
}

const Port* Harness::port(const std::string& name) const {
    for (const Port& p : m_ports)
        if (name == p.name) return &p;
    return nullptr;
}

const Port& Harness::portOrThrow(const std::string& name) const {
    const Port* p = port(name);
    if (!p) throw Error("no port named '" + name + "' on " + gen::kTopName);
    return *p;
}

bool Harness::wavesOn() const { return m_trace != nullptr; }

void Harness::waveOn(const std::string& path) {
#if VM_TRACE
    waveOff();
    auto* tf = new TraceFile;
    top->trace(tf, 99);
    tf->open(path.c_str());
    if (!tf->isOpen()) {
        delete tf;
        throw Error("could not open waveform file " + path);
    }
    m_trace = tf;
    m_dumpedAny = false;  // the first sample is taken by the next step (or by wave off)
#else
    (void)path;
    throw Error("this simulator was built without tracing; build it with trace 'fst' or 'vcd'");
#endif
}

void Harness::waveOff() {
#if VM_TRACE
    if (!m_trace) return;
    auto* tf = static_cast<TraceFile*>(m_trace);
    top->eval();
    dump();  // show the values left by the last command before the file ends
    tf->close();
    delete tf;
    m_trace = nullptr;
#endif
}

void Harness::shutdown() {
    waveOff();
    top->final();
#if VM_COVERAGE
    // +cosim+coverage=FILE: the run's coverage counts (merged across runs with verilator_coverage).
    const std::string arg = context->commandArgsPlusMatch("cosim+coverage=");
    if (!arg.empty()) context->coveragep()->write(arg.substr(std::string("+cosim+coverage=").size()).c_str());
#endif
}

}  // namespace cosim

// ---- Built-in commands ------------------------------------------------------------------------

namespace {

using cosim::Args;
using cosim::Error;
using cosim::Harness;

cosim::Command cmdTick("tick", "N: run N clock cycles; replies the cycle count", [](Harness& h, const Args& a) {
    a.expect(1, 1);
    h.step(a.u64(0));
    return std::to_string(h.cycle());
});

cosim::Command cmdReset("reset", "N: hold reset for N cycles; replies the cycle count", [](Harness& h, const Args& a) {
    a.expect(0, 1);
    h.reset(a.u64(0, 1));
    return std::to_string(h.cycle());
});

cosim::Command cmdPoke("poke", "PORT HEX: set an input port (takes effect at the next clock edge)",
                       [](Harness& h, const Args& a) {
    a.expect(2, 2);
    const cosim::Port& p = h.portOrThrow(a.str(0));
    if (!p.input) throw Error(std::string("cannot poke ") + p.name + ": it is an output");
    p.setHex(a.str(1));
    h.eval();
    return std::string();
});

cosim::Command cmdSetReg("set_reg", "PATH HEX: preset an internal register kept writable by the build (BuildOptions.writable)",
                         [](Harness& h, const Args& a) {
    a.expect(2, 2);
    h.setRegister(a.str(0), a.str(1));
    h.eval();
    return std::string();
});

cosim::Command cmdPeek("peek", "PORT: read a port; replies zero-padded hex", [](Harness& h, const Args& a) {
    a.expect(1, 1);
    h.eval();
    return h.portOrThrow(a.str(0)).hex();
});

cosim::Command cmdSample("sample", "N PORT...: run N cycles; replies the ports as each rising edge sees them (cycles comma-separated)",
                         [](Harness& h, const Args& a) {
    if (a.size() < 2) throw Error("sample: expected N and at least one port");
    const uint64_t n = a.u64(0);
    std::vector<const cosim::Port*> ports;
    for (size_t i = 1; i < a.size(); ++i) ports.push_back(&h.portOrThrow(a.str(i)));
    std::string out;
    for (uint64_t c = 0; c < n; ++c) {
        // The values the edge samples: inputs as poked, combinational outputs settled.
        h.eval();
        if (c) out += ',';
        for (size_t i = 0; i < ports.size(); ++i) out += (i ? " " : "") + ports[i]->hex();
        h.step();
    }
    return out;
});

std::vector<std::string> splitOn(const std::string& text, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        const size_t at = text.find(sep, start);
        out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) return out;
        start = at + 1;
    }
}

// Speculative stimulus from a reactive host: the host sends the inputs of the next cycles computed
// on the assumption that nothing it reacts to happens, and the harness stops right after the first
// edge where something does (a STOP term: every port of the term non-zero), so the inputs after
// it are never applied. One round trip per reaction instead of one per cycle.
// A value may also be `.` (the input keeps its value) or `@PORT+HEX` / `@PORT-HEX`: PORT's value at
// the previous edge of this command (PORT among WATCH, at most 64 bits) plus or minus HEX, for a
// host whose next inputs follow from an output it cannot predict (a time stamp drawn from time_now).
cosim::Command cmdDrive("drive", "INS WATCH STOP VEC...: per cycle set INS (comma-separated) from VEC (hex, comma-separated; "
                        ". keeps a value, @PORT+HEX or @PORT-HEX is the watched PORT at the previous edge plus or minus HEX), "
                        "sample WATCH at the rising edge; stop after the first edge where a STOP term (PORT&!PORT|PORT: non-zero, !zero; or -) holds",
                        [](Harness& h, const Args& a) {
    if (a.size() < 4) throw Error("drive: expected INPUTS WATCH STOP and at least one vector");
    std::vector<const cosim::Port*> ins, watch;
    for (const std::string& n : splitOn(a.str(0), ',')) {
        const cosim::Port& p = h.portOrThrow(n);
        if (!p.input) throw Error(std::string("drive: ") + p.name + " is an output");
        ins.push_back(&p);
    }
    for (const std::string& n : splitOn(a.str(1), ',')) watch.push_back(&h.portOrThrow(n));
    // A term is a list of (port, wanted non-zero) pairs: PORT is non-zero, !PORT is zero.
    std::vector<std::vector<std::pair<const cosim::Port*, bool>>> stop;
    if (a.str(2) != "-") {
        for (const std::string& term : splitOn(a.str(2), '|')) {
            stop.emplace_back();
            for (const std::string& n : splitOn(term, '&')) {
                const bool negated = !n.empty() && n[0] == '!';
                stop.back().emplace_back(&h.portOrThrow(negated ? n.substr(1) : n), !negated);
            }
        }
    }
    const auto nonZero = [](const cosim::Port* p) {
        for (uint32_t w : p->get()) if (w) return true;
        return false;
    };
    std::string out;
    std::vector<uint64_t> previous(watch.size(), 0);  // the watched values at the previous edge (64-bit ports)
    for (size_t c = 3; c < a.size(); ++c) {
        const std::vector<std::string> values = splitOn(a.str(c), ',');
        if (values.size() != ins.size()) throw Error("drive: vector " + std::to_string(c - 3) + " has " + std::to_string(values.size()) + " values for " + std::to_string(ins.size()) + " inputs");
        for (size_t i = 0; i < ins.size(); ++i) {
            const std::string& v = values[i];
            if (v == ".") continue;
            if (v.empty() || v[0] != '@') {
                ins[i]->setHex(v);
                continue;
            }
            const size_t op = v.find_first_of("+-");
            if (op == std::string::npos) throw Error("drive: '" + v + "' is not @PORT+HEX or @PORT-HEX");
            const std::string name = v.substr(1, op - 1);
            size_t w = 0;
            while (w < watch.size() && watch[w]->name != name) ++w;
            if (w == watch.size()) throw Error("drive: '" + v + "': " + name + " is not among the watched ports");
            if (watch[w]->width > 64) throw Error("drive: '" + v + "': " + name + " is wider than 64 bits");
            if (c == 3) throw Error("drive: '" + v + "' in the first vector (no previous edge in this command)");
            const uint64_t delta = std::stoull(v.substr(op + 1), nullptr, 16);
            ins[i]->setU64(v[op] == '+' ? previous[w] + delta : previous[w] - delta);
        }
        h.eval();
        if (c > 3) out += ',';
        for (size_t i = 0; i < watch.size(); ++i) {
            out += (i ? " " : "") + watch[i]->hex();
            if (watch[i]->width <= 64) previous[i] = watch[i]->u64();
        }
        bool hit = false;
        for (const auto& term : stop) {
            bool all = true;
            for (const auto& [p, wanted] : term) all = all && nonZero(p) == wanted;
            if (all) hit = true;
        }
        h.step();
        if (hit) break;
    }
    return out;
});

cosim::Command cmdCycle("cycle", ": replies the number of clock cycles run so far", [](Harness& h, const Args& a) {
    a.expect(0, 0);
    return std::to_string(h.cycle());
});

cosim::Command cmdWave("wave", "on FILE | off: start or stop writing a waveform", [](Harness& h, const Args& a) {
    a.expect(1, 2);
    if (a.str(0) == "on") {
        a.expect(2, 2);
        h.waveOn(a.str(1));
    } else if (a.str(0) == "off") {
        a.expect(1, 1);
        h.waveOff();
    } else {
        throw Error("wave: expected 'on FILE' or 'off', got '" + a.str(0) + "'");
    }
    return std::string();
});

cosim::Command cmdPorts("ports", ": replies NAME:DIR:WIDTH for every port", [](Harness& h, const Args& a) {
    a.expect(0, 0);
    std::string s;
    for (const cosim::Port& p : h.ports()) {
        if (!s.empty()) s += ' ';
        s += std::string(p.name) + ':' + (p.input ? "in" : "out") + ':' + std::to_string(p.width);
    }
    return s;
});

cosim::Command cmdInfo("info", ": replies top=NAME trace=FLAVOUR", [](Harness&, const Args& a) {
    a.expect(0, 0);
    return std::string("top=") + cosim::gen::kTopName + " trace=" + cosim::gen::kTraceFlavour;
});

}  // namespace

// ---- main -----------------------------------------------------------------------------------

static FILE* g_reply = nullptr;

// Verilator runs flush callbacks before aborting on $stop/$fatal; flushing here means every reply
// already produced reaches the driver, which can then name the command that really crashed.
static void flushReplies(void*) {
    if (g_reply) std::fflush(g_reply);
}

int main(int argc, char** argv) {
#ifdef __linux__
    // Die with the driver even if it is SIGKILLed (no exit hook runs then): never an orphan
    // simulator spinning in a long command. The getppid() check closes the race with an early death.
    const pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) return 3;
#endif
    // Keep the protocol on the original stdout and send everything else (VL_PRINTF, $display) to stderr.
    const int protoFd = dup(STDOUT_FILENO);
    if (protoFd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        std::perror("cosim: redirecting stdout");
        return 2;
    }
    g_reply = fdopen(protoFd, "w");
    if (!g_reply) {
        std::perror("cosim: fdopen");
        return 2;
    }
    std::ios::sync_with_stdio(false);

    auto context = std::make_unique<VerilatedContext>();
    context->commandArgs(argc, argv);
#if VM_TRACE
    context->traceEverOn(true);
#endif
    // The instance name "TOP" keeps waveform scopes stable: TOP.<top module>.<signal>.
    auto model = std::make_unique<Vtop>(context.get(), "TOP");
    Verilated::addFlushCb(flushReplies, nullptr);

    cosim::Harness harness;
    harness.init(model.get(), context.get());

    std::string line;
    while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::istringstream in(line);
        std::string name;
        if (!(in >> name) || name[0] == '#') continue;
        std::vector<std::string> tokens;
        for (std::string t; in >> t;) tokens.push_back(t);

        std::string reply;
        bool quit = false;
        if (name == "quit") {
            quit = true;
            reply = "ok";
        } else if (name == "help") {
            reply = "ok";
            for (const auto& kv : cosim::registry()) reply += " " + kv.first;
            reply += " help quit";
        } else {
            auto it = cosim::registry().find(name);
            if (it == cosim::registry().end()) {
                reply = "err unknown command '" + name + "' (try 'help')";
            } else {
                try {
                    const std::string payload = it->second.fn(harness, Args(name, tokens));
                    reply = payload.empty() ? "ok" : "ok " + payload;
                } catch (const std::exception& e) {
                    reply = std::string("err ") + e.what();
                }
            }
        }
        std::fputs(cosim::oneLine(reply).c_str(), g_reply);
        std::fputc('\n', g_reply);
        // Flush only when no further command is already waiting: pipelined batches get one write.
        if (quit || std::cin.rdbuf()->in_avail() <= 0) std::fflush(g_reply);
        if (quit) break;
    }
    harness.shutdown();
    std::fflush(g_reply);
    return 0;
}
