//go:build amd64 && !purego

#include "textflag.h"

// SCANRET returns j (in CX) and found from a scan: func(p []byte, i int) (j int, found bool).
#define SCANRET(f) MOVQ CX, j+32(FP); MOVB $f, found+40(FP); VZEROUPPER; RET

// COMPACTRET returns how far a compact kernel read src (SI) and wrote dst
// (DI): func(dst []byte, o int, src []byte) (nsrc, ndst int).
#define COMPACTRET \
	MOVQ src_base+32(FP), BX; \
	SUBQ BX, SI; \
	MOVQ SI, nsrc+56(FP); \
	MOVQ dst_base+0(FP), BX; \
	SUBQ BX, DI; \
	MOVQ DI, ndst+64(FP); \
	VZEROUPPER; \
	RET

// One byte each, broadcast to a whole register: space, CR, LF.
DATA scanconst<>+0(SB)/1, $0x20
DATA scanconst<>+1(SB)/1, $0x0d
DATA scanconst<>+2(SB)/1, $0x0a
GLOBL scanconst<>(SB), RODATA|NOPTR, $3

// CANDMASK sets AX to the 32-bit candidate mask of the 32 bytes at
// OFF(DI), by the rule candidateAVX2 states below (it reads OFF-1(DI) to
// OFF+33(DI)); Y10-Y12 hold space, CR and LF, Y0-Y9 and Y13 are scratch.
// candidateAVX2 and masksAVX2 use it; CAND32 is the same rule in fewer
// registers, for the loop that hashes too.
#define CANDMASK(OFF) \
	VMOVDQU OFF-1(DI), Y0; \
	VMOVDQU OFF(DI), Y1; \
	VMOVDQU OFF+1(DI), Y2; \
	VMOVDQU OFF+2(DI), Y3; \
	VPMINUB Y10, Y1, Y4; \
	VPCMPEQB Y4, Y1, Y4; \
	VPMINUB Y10, Y2, Y5; \
	VPCMPEQB Y5, Y2, Y5; \
	VPMINUB Y10, Y3, Y6; \
	VPCMPEQB Y6, Y3, Y6; \
	VPCMPEQB Y10, Y1, Y7; \
	VPCMPEQB Y11, Y1, Y8; \
	VPCMPEQB Y12, Y2, Y9; \
	VPAND    Y9, Y8, Y8; \
	VPANDN   Y8, Y6, Y8; \
	VPCMPEQB Y12, Y1, Y9; \
	VPCMPEQB Y11, Y0, Y13; \
	VPAND    Y13, Y9, Y9; \
	VPANDN   Y9, Y5, Y9; \
	VPOR     Y9, Y8, Y8; \
	VPANDN   Y4, Y7, Y13; \
	VPANDN   Y13, Y8, Y13; \
	VPAND    Y5, Y7, Y7; \
	VPOR     Y7, Y13, Y13; \
	VPMOVMSKB Y13, AX

// func candidateAVX2(p []byte, i int) (j int, found bool)
//
// Looks at p 32 bytes at a time from p[i] (i >= 1), for as long as the
// block and the two bytes after it are within p. For each byte it computes
// with compares, for all 32 at once:
//
//	ctl0, ctl1, ctl2  p[j], p[j+1], p[j+2] are <= 0x20
//	sp0               p[j] is a space
//	okCR              p[j] is CR, p[j+1] LF, p[j+2] > 0x20
//	okLF              p[j] is LF, p[j-1] CR, p[j+1] > 0x20
//	candidate         ctl0 &^ sp0 &^ (okCR | okLF)  |  sp0 & ctl1
//
// and returns the first candidate (found) or where it stopped.
TEXT ·candidateAVX2(SB), NOSPLIT, $0-41
	MOVQ p_base+0(FP), SI
	MOVQ p_len+8(FP), DX
	MOVQ i+24(FP), CX
	VPBROADCASTB scanconst<>+0(SB), Y10
	VPBROADCASTB scanconst<>+1(SB), Y11
	VPBROADCASTB scanconst<>+2(SB), Y12
	SUBQ $34, DX           // blocks start at or before len(p)-34

loop:
	CMPQ CX, DX
	JGT  stop
	LEAQ (SI)(CX*1), DI
	CANDMASK(0)
	TESTL AX, AX
	JNZ  hit
	ADDQ $32, CX
	JMP  loop

hit:
	BSFL AX, AX
	ADDQ AX, CX
	SCANRET(1)

stop:
	SCANRET(0)

// SHA-256 with the SHA extensions (SHA256RNDS2, SHA256MSG1, SHA256MSG2).
// The eight state words live in two registers in the order the rounds
// instruction wants: X1 holds A, B, E, F and X2 holds C, D, G, H (from
// the highest lane down). AX points to the round constants, X8 holds the
// byte shuffle that reads the big-endian message words. X0 and X3-X7 and
// X9-X10 are scratch. Only these registers are used, so that the
// canonicalization kernels can run in the same loop in Z16-Z31 and K1-K7:
// the rounds are one long chain of dependent instructions, and the
// kernel's work fills the execution units the chain leaves idle.

// The round constants of FIPS 180-4, section 4.2.2.
DATA shak<>+0(SB)/8, $0x71374491428a2f98
DATA shak<>+8(SB)/8, $0xe9b5dba5b5c0fbcf
DATA shak<>+16(SB)/8, $0x59f111f13956c25b
DATA shak<>+24(SB)/8, $0xab1c5ed5923f82a4
DATA shak<>+32(SB)/8, $0x12835b01d807aa98
DATA shak<>+40(SB)/8, $0x550c7dc3243185be
DATA shak<>+48(SB)/8, $0x80deb1fe72be5d74
DATA shak<>+56(SB)/8, $0xc19bf1749bdc06a7
DATA shak<>+64(SB)/8, $0xefbe4786e49b69c1
DATA shak<>+72(SB)/8, $0x240ca1cc0fc19dc6
DATA shak<>+80(SB)/8, $0x4a7484aa2de92c6f
DATA shak<>+88(SB)/8, $0x76f988da5cb0a9dc
DATA shak<>+96(SB)/8, $0xa831c66d983e5152
DATA shak<>+104(SB)/8, $0xbf597fc7b00327c8
DATA shak<>+112(SB)/8, $0xd5a79147c6e00bf3
DATA shak<>+120(SB)/8, $0x1429296706ca6351
DATA shak<>+128(SB)/8, $0x2e1b213827b70a85
DATA shak<>+136(SB)/8, $0x53380d134d2c6dfc
DATA shak<>+144(SB)/8, $0x766a0abb650a7354
DATA shak<>+152(SB)/8, $0x92722c8581c2c92e
DATA shak<>+160(SB)/8, $0xa81a664ba2bfe8a1
DATA shak<>+168(SB)/8, $0xc76c51a3c24b8b70
DATA shak<>+176(SB)/8, $0xd6990624d192e819
DATA shak<>+184(SB)/8, $0x106aa070f40e3585
DATA shak<>+192(SB)/8, $0x1e376c0819a4c116
DATA shak<>+200(SB)/8, $0x34b0bcb52748774c
DATA shak<>+208(SB)/8, $0x4ed8aa4a391c0cb3
DATA shak<>+216(SB)/8, $0x682e6ff35b9cca4f
DATA shak<>+224(SB)/8, $0x78a5636f748f82ee
DATA shak<>+232(SB)/8, $0x8cc7020884c87814
DATA shak<>+240(SB)/8, $0xa4506ceb90befffa
DATA shak<>+248(SB)/8, $0xc67178f2bef9a3f7
GLOBL shak<>(SB), RODATA|NOPTR, $256

// Reverses the bytes of each 32-bit word.
DATA shaflip<>+0(SB)/8, $0x0405060700010203
DATA shaflip<>+8(SB)/8, $0x0c0d0e0f08090a0b
GLOBL shaflip<>(SB), RODATA|NOPTR, $16

// SHALOAD reads the state h[0..7] from (R) into X1 and X2, and sets up AX
// and X8.
#define SHALOAD(R) \
	VMOVDQU (R), X1; \
	VMOVDQU 16(R), X2; \
	VPSHUFD $0xb1, X1, X1; \
	VPSHUFD $0x1b, X2, X2; \
	VPALIGNR $8, X2, X1, X7; \
	VPBLENDW $0xf0, X1, X2, X2; \
	VMOVDQA X7, X1; \
	LEAQ shak<>(SB), AX; \
	VMOVDQU shaflip<>(SB), X8

// SHASTORE writes the state back to h[0..7] at (R).
#define SHASTORE(R) \
	VPSHUFD $0x1b, X1, X1; \
	VPSHUFD $0xb1, X2, X2; \
	VPBLENDW $0xf0, X2, X1, X7; \
	VPALIGNR $8, X1, X2, X2; \
	VMOVDQU X7, (R); \
	VMOVDQU X2, 16(R)

// HASHSCANSETUP starts a scan that hashes as it goes (the arguments of
// HASHSCANRET): DI p, SI the first block to scan (p[i]), R14 the first
// to hash (p[hp]), DX the last place a block may start (len(p)-66, the
// block and the two bytes after it within p), the state loaded from h.
#define HASHSCANSETUP \
	MOVQ p_base+8(FP), DI; \
	MOVQ p_len+16(FP), DX; \
	LEAQ -66(DI)(DX*1), DX; \
	MOVQ i+32(FP), SI; \
	ADDQ DI, SI; \
	MOVQ hp+40(FP), R14; \
	ADDQ DI, R14; \
	MOVQ h+0(FP), BX; \
	SHALOAD(BX)

// HASHSCANNEXT moves SI to the next block to scan, hashes the block at
// R14 if the scan has passed all of it, and goes on at LOOP.
#define HASHSCANNEXT(LOOP) \
	ADDQ $64, SI; \
	LEAQ 64(R14), BX; \
	CMPQ BX, SI; \
	JHI  LOOP; \
	SHABLOCK(R14); \
	ADDQ $64, R14; \
	JMP  LOOP

// HASHSCANRET returns from a scan that hashes as it goes, func(h
// *[8]uint32, p []byte, i, hp int) (j int, found bool, nhash int), with
// found already stored: it writes the state back to h and returns j and
// nhash from SI and R14, the next block to scan and to hash, less p (DI).
#define HASHSCANRET \
	MOVQ h+0(FP), BX; \
	SHASTORE(BX); \
	SUBQ DI, SI; \
	MOVQ SI, j+48(FP); \
	SUBQ DI, R14; \
	MOVQ R14, nhash+64(FP); \
	VZEROUPPER; \
	RET

// SHAROUNDS runs four rounds on the message words in M, with the
// constants at offset K.
#define SHAROUNDS(M, K) \
	VPADDD K(AX), M, X0; \
	SHA256RNDS2 X0, X1, X2; \
	VPSHUFD $0x0e, X0, X0; \
	SHA256RNDS2 X0, X2, X1

// SHASCHED turns M, holding message words t-16..t-13, into words t..t+3,
// from A (t-12..t-9), B (t-8..t-5) and C (t-4..t-1).
#define SHASCHED(M, A, B, C) \
	SHA256MSG1 A, M; \
	VPALIGNR $4, B, C, X7; \
	VPADDD X7, M, M; \
	SHA256MSG2 C, M

#define SHALOADW(M, R, OFF) \
	VMOVDQU OFF(R), M; \
	VPSHUFB X8, M, M

#define SHASIXTEEN(OFF) \
	SHASCHED(X3, X4, X5, X6); SHAROUNDS(X3, OFF); \
	SHASCHED(X4, X5, X6, X3); SHAROUNDS(X4, OFF+16); \
	SHASCHED(X5, X6, X3, X4); SHAROUNDS(X5, OFF+32); \
	SHASCHED(X6, X3, X4, X5); SHAROUNDS(X6, OFF+48)

// SHABLOCK hashes the 64 bytes at (R) into the state.
#define SHABLOCK(R) \
	VMOVDQA X1, X9; \
	VMOVDQA X2, X10; \
	SHALOADW(X3, R, 0); SHAROUNDS(X3, 0); \
	SHALOADW(X4, R, 16); SHAROUNDS(X4, 16); \
	SHALOADW(X5, R, 32); SHAROUNDS(X5, 32); \
	SHALOADW(X6, R, 48); SHAROUNDS(X6, 48); \
	SHASIXTEEN(64); \
	SHASIXTEEN(128); \
	SHASIXTEEN(192); \
	VPADDD X9, X1, X1; \
	VPADDD X10, X2, X2

// func shaBlocks(h *[8]uint32, p []byte)
//
// Hashes the whole 64-byte blocks of p into h.
TEXT ·shaBlocks(SB), NOSPLIT, $0-32
	MOVQ h+0(FP), DI
	MOVQ p_base+8(FP), SI
	MOVQ p_len+16(FP), DX
	ANDQ $-64, DX
	JZ   shadone
	ADDQ SI, DX
	SHALOAD(DI)

shaloop:
	SHABLOCK(SI)
	ADDQ $64, SI
	CMPQ SI, DX
	JNE  shaloop
	SHASTORE(DI)

shadone:
	RET

// Relaxed body canonicalization, 64 bytes at a time, with AVX-512 (F, BW,
// VBMI2), BMI1 and BMI2, in two functions: compactAVX512 writes the
// result, compactHashAVX512 also hashes it in the same loop. They share
// the macros below. For each byte, with compares on the block, the block
// one byte later and the block one byte earlier (KCLASSIFY):
//
//	ws0, ws1   p[j], p[j+1] are space or tab
//	cr0, cr1   p[j], p[j+1] are CR
//	lf0, lf1   p[j], p[j+1] are LF
//	crm1       p[j-1] is CR
//	drop       ws0 & (ws1 | cr1 | lf1): all of a run of white space but
//	           its last byte, and the last too when a line end follows
//	bareLF     lf0 &^ crm1: a line end written as LF alone
//	stop       cr0 &^ lf1: a bare CR
//
// Kept white space becomes a space, and the kept bytes are packed with
// VPCOMPRESSB and stored, a whole 64-byte store at a time (dst needs the
// room) (KPACK). A bare LF becomes CRLF: the block is packed in segments,
// each ending before a bare LF, with a CR stored after each (KSLOW). At
// the first stop it packs the bytes before it and returns; it also
// returns when src has fewer than 65 bytes from j or dst less than 192
// from the end of the output (a block of bare LFs stores up to 128 bytes,
// the last store reaching 64 beyond). The caller resumes after the last
// content byte (see compactRelaxed).
//
// Registers: SI the next block of src, R9 the last place a block may
// start; DI the next byte of dst, R8 the last place a block may be
// stored; Z26-Z29 space, tab, CR, LF; Z16-Z19 and K1-K7 the block. The
// hashing uses X0-X10, AX, R14 (the next block to hash) and DX (how far
// the output is final), none of the others.

// One byte each, broadcast: space, tab, CR, LF.
DATA compactconst<>+0(SB)/1, $0x20
DATA compactconst<>+1(SB)/1, $0x09
DATA compactconst<>+2(SB)/1, $0x0d
DATA compactconst<>+3(SB)/1, $0x0a
GLOBL compactconst<>(SB), RODATA|NOPTR, $4

// KSETUP reads dst, len(dst), o, src and len(src) from the arguments into
// DI, R8, SI and R9, and broadcasts the constants.
#define KSETUP(DST, DSTLEN, O, SRC, SRCLEN) \
	MOVQ DST, DI; \
	MOVQ DSTLEN, R8; \
	LEAQ -192(DI)(R8*1), R8; \
	MOVQ SRC, SI; \
	MOVQ SRCLEN, R9; \
	LEAQ -65(SI)(R9*1), R9; \
	INCQ SI; \
	ADDQ O, DI; \
	VPBROADCASTB compactconst<>+0(SB), Z26; \
	VPBROADCASTB compactconst<>+1(SB), Z27; \
	VPBROADCASTB compactconst<>+2(SB), Z28; \
	VPBROADCASTB compactconst<>+3(SB), Z29

// KCLASSIFY looks at the block at SI: Z17 holds it with white space made
// spaces, K4 the bytes to keep, K5 the stops, K6 the bare LFs; it jumps
// to kslow when there is a stop or a bare LF.
#define KCLASSIFY \
	VMOVDQU64 -1(SI), Z16; \
	VMOVDQU64 (SI), Z17; \
	VMOVDQU64 1(SI), Z18; \
	VPCMPEQB Z26, Z17, K1; \
	VPCMPEQB Z27, Z17, K2; \
	KORQ     K2, K1, K1; \
	VPCMPEQB Z26, Z18, K2; \
	VPCMPEQB Z27, Z18, K3; \
	KORQ     K3, K2, K2; \
	VPCMPEQB Z28, Z18, K3; \
	VPCMPEQB Z29, Z18, K6; \
	KORQ     K3, K2, K4; \
	KORQ     K6, K4, K4; \
	KANDQ    K1, K4, K4; \
	KNOTQ    K4, K4; \
	VPCMPEQB Z28, Z17, K5; \
	KANDNQ   K5, K6, K5; \
	VPCMPEQB Z29, Z17, K6; \
	VPCMPEQB Z28, Z16, K7; \
	KANDNQ   K6, K7, K6; \
	VMOVDQU8 Z26, K1, Z17; \
	KORTESTQ K6, K5; \
	JNZ      kslow

// KPACK stores the bytes of Z17 that the mask in R (a general register)
// keeps at DI, and moves DI past them; R is lost.
#define KPACK(R) \
	KMOVQ    R, K4; \
	VPCOMPRESSB Z17, K4, Z19; \
	VMOVDQU64 Z19, (DI); \
	POPCNTQ  R, R; \
	ADDQ     R, DI

// KSLOW is the block with a stop or a bare LF: it packs the segments
// before each bare LF with a CR after each, then the rest up to the first
// stop, and moves SI past what it took. It jumps to kblock after a whole
// block, and falls through where it stopped.
#define KSLOW \
kslow: \
	KMOVQ    K4, BX; \
	KMOVQ    K5, R13; \
	KMOVQ    K6, R10; \
	MOVQ     $64, R12; \
	TESTQ    R13, R13; \
	JZ       kend; \
	BSFQ     R13, R12; \
kend: \
	BZHIQ    R12, BX, BX; \
	BZHIQ    R12, R10, R10; \
	XORQ     R11, R11; \
	TESTQ    R10, R10; \
	JZ       klast; \
klf: \
	BSFQ     R10, R13; \
	BZHIQ    R13, BX, CX; \
	ANDNQ    CX, R11, CX; \
	KPACK(CX); \
	MOVB     $0x0d, (DI); \
	INCQ     DI; \
	MOVQ     $-1, R11; \
	BZHIQ    R13, R11, R11; \
	BLSRQ    R10, R10; \
	JNZ      klf; \
klast: \
	ANDNQ    BX, R11, BX; \
	KPACK(BX); \
	ADDQ     R12, SI; \
	CMPQ     R12, $64; \
	JEQ      kblock

// In KSLOW, step by step: BX keep, R13 stop, R10 bare LFs; R12 where the
// block ends, 64 or at the first stop; keep and bare LFs before the end
// only; R11 the bits of the block already packed. For each bare LF (BSFQ
// R10): the kept bytes before it not yet packed, then the CR before it,
// then everything before the LF counts as packed (BLSRQ: on to the next
// bare LF). Then the rest of the kept bytes.

// func compactAVX512(dst []byte, o int, src []byte) (nsrc, ndst int)
//
// Canonicalizes src[1:] into dst from dst[o], and returns how far it
// read src and wrote dst.
TEXT ·compactAVX512(SB), NOSPLIT, $0-72
	KSETUP(dst_base+0(FP), dst_len+8(FP), o+24(FP), src_base+32(FP), src_len+40(FP))

kloop:
	CMPQ SI, R9
	JHI  kdone
	CMPQ DI, R8
	JHI  kdone
	KCLASSIFY
	VPCOMPRESSB Z17, K4, Z19 // no bare CR or LF: the whole block at once
	VMOVDQU64 Z19, (DI)
	KMOVQ    K4, BX
	POPCNTQ  BX, BX
	ADDQ     BX, DI
	ADDQ     $64, SI

kblock:
	JMP  kloop

	KSLOW

kdone:
	COMPACTRET

// func compactHashAVX512(h *[8]uint32, dst []byte, o, hp int, src []byte) (nsrc, ndst, nhash int)
//
// compactAVX512, which also hashes the output, from dst[hp], into h in
// the same loop: a block of 64 bytes once the output is final that far,
// that is when some block of src that ended with a byte above 0x20
// (content) has been written past it. White space and line ends at the
// end of the output may still be taken back by the caller. It returns
// how far it hashed (nhash).
//
// HASHLAG is how far behind what is final the hashing stays (a block and
// eight more): a block written moments before would be read while its
// stores are still in the store buffer, and the loads, which the rounds
// wait for, would have to wait for those stores to be written out.
#define HASHLAG 576

TEXT ·compactHashAVX512(SB), NOSPLIT, $0-96
	KSETUP(dst_base+8(FP), dst_len+16(FP), o+32(FP), src_base+48(FP), src_len+56(FP))
	MOVQ hp+40(FP), R14
	ADDQ dst_base+8(FP), R14 // the next block to hash
	MOVQ DI, DX              // the output is final up to here
	MOVQ h+0(FP), BX
	SHALOAD(BX)

hloop:
	CMPQ SI, R9
	JHI  hdone
	CMPQ DI, R8
	JHI  hdone
	KCLASSIFY
	VPCOMPRESSB Z17, K4, Z19 // no bare CR or LF: the whole block at once
	VMOVDQU64 Z19, (DI)
	KMOVQ    K4, BX
	POPCNTQ  BX, BX
	ADDQ     BX, DI
	ADDQ     $64, SI

kblock:
	CMPB     -1(SI), $0x20 // the block ended with content:
	CMOVQHI  DI, DX        // all output so far is final
	LEAQ     HASHLAG(R14), BX
	CMPQ     BX, DX
	JHI      hloop
	SHABLOCK(R14)
	ADDQ     $64, R14
	JMP      hloop

	KSLOW

hdone:
	MOVQ h+0(FP), BX
	SHASTORE(BX)
	MOVQ src_base+48(FP), BX
	SUBQ BX, SI
	MOVQ SI, nsrc+72(FP)
	MOVQ dst_base+8(FP), BX
	SUBQ BX, DI
	MOVQ DI, ndst+80(FP)
	SUBQ BX, R14
	MOVQ R14, nhash+88(FP)
	VZEROUPPER
	RET

// func candidateHashAVX512(h *[8]uint32, p []byte, i, hp int) (j int, found bool, nhash int)
//
// candidateAVX2, 64 bytes at a time with AVX-512 (F, BW) into mask
// registers, while hashing p from p[hp] into h in the same loop: a block
// of 64 bytes once the scan has passed it, since everything before the
// first candidate goes to the hash unchanged. It stops at the first
// candidate (found) or where fewer than 66 bytes are left, and returns
// how far it hashed (nhash).
TEXT ·candidateHashAVX512(SB), NOSPLIT, $0-72
	HASHSCANSETUP
	VPBROADCASTB compactconst<>+0(SB), Z26
	VPBROADCASTB compactconst<>+2(SB), Z28
	VPBROADCASTB compactconst<>+3(SB), Z29

hloop:
	CMPQ SI, DX
	JHI  hstop
	VMOVDQU64 -1(SI), Z16  // p[j-1:]
	VMOVDQU64 (SI), Z17    // p[j:]
	VMOVDQU64 1(SI), Z18   // p[j+1:]
	VMOVDQU64 2(SI), Z19   // p[j+2:]
	VPCMPUB  $2, Z26, Z17, K1 // ctl0: p[j] <= 0x20
	VPCMPUB  $2, Z26, Z18, K2 // ctl1
	VPCMPUB  $2, Z26, Z19, K3 // ctl2
	VPCMPEQB Z26, Z17, K4  // sp0
	VPCMPEQB Z28, Z17, K5  // p[j] is CR
	VPCMPEQB Z29, Z18, K6  // p[j+1] is LF
	KANDQ    K6, K5, K5
	KANDNQ   K5, K3, K5    // okCR
	VPCMPEQB Z29, Z17, K6  // p[j] is LF
	VPCMPEQB Z28, Z16, K7  // p[j-1] is CR
	KANDQ    K7, K6, K6
	KANDNQ   K6, K2, K6    // okLF
	KORQ     K6, K5, K5    // ok
	KANDNQ   K1, K4, K1    // ctl0 &^ sp0
	KANDNQ   K1, K5, K1    //  &^ ok
	KANDQ    K2, K4, K4    // sp0 & ctl1
	KORQ     K4, K1, K1
	KORTESTQ K1, K1
	JNZ      hhit
	HASHSCANNEXT(hloop)

hhit:
	KMOVQ    K1, BX
	BSFQ     BX, BX
	ADDQ     BX, SI
	MOVB     $1, found+56(FP)
	JMP      hret

hstop:
	MOVB     $0, found+56(FP)

hret:
	HASHSCANRET

// The constants of candidateHashAVX2, a whole register each: 32 spaces,
// 32 CRs, 32 LFs.
DATA cand32<>+0(SB)/8, $0x2020202020202020
DATA cand32<>+8(SB)/8, $0x2020202020202020
DATA cand32<>+16(SB)/8, $0x2020202020202020
DATA cand32<>+24(SB)/8, $0x2020202020202020
DATA cand32<>+32(SB)/8, $0x0d0d0d0d0d0d0d0d
DATA cand32<>+40(SB)/8, $0x0d0d0d0d0d0d0d0d
DATA cand32<>+48(SB)/8, $0x0d0d0d0d0d0d0d0d
DATA cand32<>+56(SB)/8, $0x0d0d0d0d0d0d0d0d
DATA cand32<>+64(SB)/8, $0x0a0a0a0a0a0a0a0a
DATA cand32<>+72(SB)/8, $0x0a0a0a0a0a0a0a0a
DATA cand32<>+80(SB)/8, $0x0a0a0a0a0a0a0a0a
DATA cand32<>+88(SB)/8, $0x0a0a0a0a0a0a0a0a
GLOBL cand32<>(SB), RODATA|NOPTR, $96

// CAND32 sets R to the 32-bit candidate mask of the 32 bytes at OFF(SI),
// the bits of candidateAVX2, in Y11-Y15 alone: the SHA-256 rounds hold
// X0-X10, and AVX2 has sixteen registers, so the constants are read from
// memory (cand32<>) and each register is reused as soon as it is free:
//
//	Y11 p[j]; Y12 p[j+1]; Y13 ctl1 = p[j+1] <= 0x20; Y14 lf1;
//	Y12 cr0; Y14 cr0 & lf1; Y12 p[j+2], then ctl2;
//	Y14 okCR = cr0 & lf1 &^ ctl2;
//	Y12 lf0; Y15 p[j-1], then crm1; Y12 okLF = lf0 & crm1 &^ ctl1;
//	Y14 ok = okCR | okLF;
//	Y12 ctl0; Y15 sp0; Y12 ctl0 &^ sp0 &^ ok; Y15 sp0 & ctl1;
//	R   the bytes of Y12 | Y15.
#define CAND32(OFF, R) \
	VMOVDQU OFF(SI), Y11; \
	VMOVDQU OFF+1(SI), Y12; \
	VPMINUB cand32<>+0(SB), Y12, Y13; \
	VPCMPEQB Y13, Y12, Y13; \
	VPCMPEQB cand32<>+64(SB), Y12, Y14; \
	VPCMPEQB cand32<>+32(SB), Y11, Y12; \
	VPAND Y12, Y14, Y14; \
	VMOVDQU OFF+2(SI), Y12; \
	VPMINUB cand32<>+0(SB), Y12, Y15; \
	VPCMPEQB Y15, Y12, Y12; \
	VPANDN Y14, Y12, Y14; \
	VPCMPEQB cand32<>+64(SB), Y11, Y12; \
	VMOVDQU OFF-1(SI), Y15; \
	VPCMPEQB cand32<>+32(SB), Y15, Y15; \
	VPAND Y15, Y12, Y12; \
	VPANDN Y12, Y13, Y12; \
	VPOR Y12, Y14, Y14; \
	VPMINUB cand32<>+0(SB), Y11, Y12; \
	VPCMPEQB Y12, Y11, Y12; \
	VPCMPEQB cand32<>+0(SB), Y11, Y15; \
	VPANDN Y12, Y15, Y12; \
	VPANDN Y12, Y14, Y12; \
	VPAND Y13, Y15, Y15; \
	VPOR Y15, Y12, Y12; \
	VPMOVMSKB Y12, R

// func candidateHashAVX2(h *[8]uint32, p []byte, i, hp int) (j int, found bool, nhash int)
//
// candidateHashAVX512 for CPUs with AVX2 and the SHA extensions but no
// AVX-512: candidateAVX2 64 bytes at a time (two blocks of 32 into one
// 64-bit mask), while hashing p from p[hp] into h in the same loop, a
// block of 64 bytes once the scan has passed it. It stops at the first
// candidate (found) or where fewer than 66 bytes are left, and returns
// how far it hashed (nhash). See candidateHashGeneric.
//
// The scan of a block does not wait for the rounds of the block before,
// a chain of dependent SHA256RNDS2 that leaves most of the core idle, so
// the out-of-order core runs the two together: on an AMD EPYC (Zen 3)
// the loop runs as fast as shaBlocks alone. The scan uses Y11-Y15
// (CAND32), the rounds X0-X10; nothing lives in the upper halves across
// iterations, so each scan ends with VZEROUPPER. It must: the SHA
// instructions are legacy SSE encoded, and with the upper halves left
// dirty the same loop ran a hundred times slower there (8 to 12 MB/s,
// against 1.5 GB/s), as SSE after 256-bit AVX without VZEROUPPER is
// slow on Intel CPUs too (Intel's optimization manual, on mixing AVX
// and SSE code).
// Registers: SI the next block to scan, DX the last place a block may
// start, R14 the next block to hash, DI p, CX and R8 the masks.
TEXT ·candidateHashAVX2(SB), NOSPLIT, $0-72
	HASHSCANSETUP

aloop:
	CMPQ SI, DX
	JHI  astop
	CAND32(0, CX)
	CAND32(32, R8)
	VZEROUPPER
	SHLQ $32, R8
	ORQ  R8, CX
	JNZ  ahit
	HASHSCANNEXT(aloop)

ahit:
	BSFQ CX, CX
	ADDQ CX, SI
	MOVB $1, found+56(FP)
	JMP  aret

astop:
	MOVB $0, found+56(FP)

aret:
	HASHSCANRET

// The table of compactHashAVX2, 16 bytes for each byte mask k of the
// bytes of a group of eight to keep: at 0, the PSHUFB pattern that moves
// the bytes k keeps to the front, in order (0x80, which zeroes, after
// them); at 8, how many bytes k keeps.
DATA packtab<>+0(SB)/8, $0x8080808080808080
DATA packtab<>+8(SB)/8, $0
DATA packtab<>+16(SB)/8, $0x8080808080808000
DATA packtab<>+24(SB)/8, $1
DATA packtab<>+32(SB)/8, $0x8080808080808001
DATA packtab<>+40(SB)/8, $1
DATA packtab<>+48(SB)/8, $0x8080808080800100
DATA packtab<>+56(SB)/8, $2
DATA packtab<>+64(SB)/8, $0x8080808080808002
DATA packtab<>+72(SB)/8, $1
DATA packtab<>+80(SB)/8, $0x8080808080800200
DATA packtab<>+88(SB)/8, $2
DATA packtab<>+96(SB)/8, $0x8080808080800201
DATA packtab<>+104(SB)/8, $2
DATA packtab<>+112(SB)/8, $0x8080808080020100
DATA packtab<>+120(SB)/8, $3
DATA packtab<>+128(SB)/8, $0x8080808080808003
DATA packtab<>+136(SB)/8, $1
DATA packtab<>+144(SB)/8, $0x8080808080800300
DATA packtab<>+152(SB)/8, $2
DATA packtab<>+160(SB)/8, $0x8080808080800301
DATA packtab<>+168(SB)/8, $2
DATA packtab<>+176(SB)/8, $0x8080808080030100
DATA packtab<>+184(SB)/8, $3
DATA packtab<>+192(SB)/8, $0x8080808080800302
DATA packtab<>+200(SB)/8, $2
DATA packtab<>+208(SB)/8, $0x8080808080030200
DATA packtab<>+216(SB)/8, $3
DATA packtab<>+224(SB)/8, $0x8080808080030201
DATA packtab<>+232(SB)/8, $3
DATA packtab<>+240(SB)/8, $0x8080808003020100
DATA packtab<>+248(SB)/8, $4
DATA packtab<>+256(SB)/8, $0x8080808080808004
DATA packtab<>+264(SB)/8, $1
DATA packtab<>+272(SB)/8, $0x8080808080800400
DATA packtab<>+280(SB)/8, $2
DATA packtab<>+288(SB)/8, $0x8080808080800401
DATA packtab<>+296(SB)/8, $2
DATA packtab<>+304(SB)/8, $0x8080808080040100
DATA packtab<>+312(SB)/8, $3
DATA packtab<>+320(SB)/8, $0x8080808080800402
DATA packtab<>+328(SB)/8, $2
DATA packtab<>+336(SB)/8, $0x8080808080040200
DATA packtab<>+344(SB)/8, $3
DATA packtab<>+352(SB)/8, $0x8080808080040201
DATA packtab<>+360(SB)/8, $3
DATA packtab<>+368(SB)/8, $0x8080808004020100
DATA packtab<>+376(SB)/8, $4
DATA packtab<>+384(SB)/8, $0x8080808080800403
DATA packtab<>+392(SB)/8, $2
DATA packtab<>+400(SB)/8, $0x8080808080040300
DATA packtab<>+408(SB)/8, $3
DATA packtab<>+416(SB)/8, $0x8080808080040301
DATA packtab<>+424(SB)/8, $3
DATA packtab<>+432(SB)/8, $0x8080808004030100
DATA packtab<>+440(SB)/8, $4
DATA packtab<>+448(SB)/8, $0x8080808080040302
DATA packtab<>+456(SB)/8, $3
DATA packtab<>+464(SB)/8, $0x8080808004030200
DATA packtab<>+472(SB)/8, $4
DATA packtab<>+480(SB)/8, $0x8080808004030201
DATA packtab<>+488(SB)/8, $4
DATA packtab<>+496(SB)/8, $0x8080800403020100
DATA packtab<>+504(SB)/8, $5
DATA packtab<>+512(SB)/8, $0x8080808080808005
DATA packtab<>+520(SB)/8, $1
DATA packtab<>+528(SB)/8, $0x8080808080800500
DATA packtab<>+536(SB)/8, $2
DATA packtab<>+544(SB)/8, $0x8080808080800501
DATA packtab<>+552(SB)/8, $2
DATA packtab<>+560(SB)/8, $0x8080808080050100
DATA packtab<>+568(SB)/8, $3
DATA packtab<>+576(SB)/8, $0x8080808080800502
DATA packtab<>+584(SB)/8, $2
DATA packtab<>+592(SB)/8, $0x8080808080050200
DATA packtab<>+600(SB)/8, $3
DATA packtab<>+608(SB)/8, $0x8080808080050201
DATA packtab<>+616(SB)/8, $3
DATA packtab<>+624(SB)/8, $0x8080808005020100
DATA packtab<>+632(SB)/8, $4
DATA packtab<>+640(SB)/8, $0x8080808080800503
DATA packtab<>+648(SB)/8, $2
DATA packtab<>+656(SB)/8, $0x8080808080050300
DATA packtab<>+664(SB)/8, $3
DATA packtab<>+672(SB)/8, $0x8080808080050301
DATA packtab<>+680(SB)/8, $3
DATA packtab<>+688(SB)/8, $0x8080808005030100
DATA packtab<>+696(SB)/8, $4
DATA packtab<>+704(SB)/8, $0x8080808080050302
DATA packtab<>+712(SB)/8, $3
DATA packtab<>+720(SB)/8, $0x8080808005030200
DATA packtab<>+728(SB)/8, $4
DATA packtab<>+736(SB)/8, $0x8080808005030201
DATA packtab<>+744(SB)/8, $4
DATA packtab<>+752(SB)/8, $0x8080800503020100
DATA packtab<>+760(SB)/8, $5
DATA packtab<>+768(SB)/8, $0x8080808080800504
DATA packtab<>+776(SB)/8, $2
DATA packtab<>+784(SB)/8, $0x8080808080050400
DATA packtab<>+792(SB)/8, $3
DATA packtab<>+800(SB)/8, $0x8080808080050401
DATA packtab<>+808(SB)/8, $3
DATA packtab<>+816(SB)/8, $0x8080808005040100
DATA packtab<>+824(SB)/8, $4
DATA packtab<>+832(SB)/8, $0x8080808080050402
DATA packtab<>+840(SB)/8, $3
DATA packtab<>+848(SB)/8, $0x8080808005040200
DATA packtab<>+856(SB)/8, $4
DATA packtab<>+864(SB)/8, $0x8080808005040201
DATA packtab<>+872(SB)/8, $4
DATA packtab<>+880(SB)/8, $0x8080800504020100
DATA packtab<>+888(SB)/8, $5
DATA packtab<>+896(SB)/8, $0x8080808080050403
DATA packtab<>+904(SB)/8, $3
DATA packtab<>+912(SB)/8, $0x8080808005040300
DATA packtab<>+920(SB)/8, $4
DATA packtab<>+928(SB)/8, $0x8080808005040301
DATA packtab<>+936(SB)/8, $4
DATA packtab<>+944(SB)/8, $0x8080800504030100
DATA packtab<>+952(SB)/8, $5
DATA packtab<>+960(SB)/8, $0x8080808005040302
DATA packtab<>+968(SB)/8, $4
DATA packtab<>+976(SB)/8, $0x8080800504030200
DATA packtab<>+984(SB)/8, $5
DATA packtab<>+992(SB)/8, $0x8080800504030201
DATA packtab<>+1000(SB)/8, $5
DATA packtab<>+1008(SB)/8, $0x8080050403020100
DATA packtab<>+1016(SB)/8, $6
DATA packtab<>+1024(SB)/8, $0x8080808080808006
DATA packtab<>+1032(SB)/8, $1
DATA packtab<>+1040(SB)/8, $0x8080808080800600
DATA packtab<>+1048(SB)/8, $2
DATA packtab<>+1056(SB)/8, $0x8080808080800601
DATA packtab<>+1064(SB)/8, $2
DATA packtab<>+1072(SB)/8, $0x8080808080060100
DATA packtab<>+1080(SB)/8, $3
DATA packtab<>+1088(SB)/8, $0x8080808080800602
DATA packtab<>+1096(SB)/8, $2
DATA packtab<>+1104(SB)/8, $0x8080808080060200
DATA packtab<>+1112(SB)/8, $3
DATA packtab<>+1120(SB)/8, $0x8080808080060201
DATA packtab<>+1128(SB)/8, $3
DATA packtab<>+1136(SB)/8, $0x8080808006020100
DATA packtab<>+1144(SB)/8, $4
DATA packtab<>+1152(SB)/8, $0x8080808080800603
DATA packtab<>+1160(SB)/8, $2
DATA packtab<>+1168(SB)/8, $0x8080808080060300
DATA packtab<>+1176(SB)/8, $3
DATA packtab<>+1184(SB)/8, $0x8080808080060301
DATA packtab<>+1192(SB)/8, $3
DATA packtab<>+1200(SB)/8, $0x8080808006030100
DATA packtab<>+1208(SB)/8, $4
DATA packtab<>+1216(SB)/8, $0x8080808080060302
DATA packtab<>+1224(SB)/8, $3
DATA packtab<>+1232(SB)/8, $0x8080808006030200
DATA packtab<>+1240(SB)/8, $4
DATA packtab<>+1248(SB)/8, $0x8080808006030201
DATA packtab<>+1256(SB)/8, $4
DATA packtab<>+1264(SB)/8, $0x8080800603020100
DATA packtab<>+1272(SB)/8, $5
DATA packtab<>+1280(SB)/8, $0x8080808080800604
DATA packtab<>+1288(SB)/8, $2
DATA packtab<>+1296(SB)/8, $0x8080808080060400
DATA packtab<>+1304(SB)/8, $3
DATA packtab<>+1312(SB)/8, $0x8080808080060401
DATA packtab<>+1320(SB)/8, $3
DATA packtab<>+1328(SB)/8, $0x8080808006040100
DATA packtab<>+1336(SB)/8, $4
DATA packtab<>+1344(SB)/8, $0x8080808080060402
DATA packtab<>+1352(SB)/8, $3
DATA packtab<>+1360(SB)/8, $0x8080808006040200
DATA packtab<>+1368(SB)/8, $4
DATA packtab<>+1376(SB)/8, $0x8080808006040201
DATA packtab<>+1384(SB)/8, $4
DATA packtab<>+1392(SB)/8, $0x8080800604020100
DATA packtab<>+1400(SB)/8, $5
DATA packtab<>+1408(SB)/8, $0x8080808080060403
DATA packtab<>+1416(SB)/8, $3
DATA packtab<>+1424(SB)/8, $0x8080808006040300
DATA packtab<>+1432(SB)/8, $4
DATA packtab<>+1440(SB)/8, $0x8080808006040301
DATA packtab<>+1448(SB)/8, $4
DATA packtab<>+1456(SB)/8, $0x8080800604030100
DATA packtab<>+1464(SB)/8, $5
DATA packtab<>+1472(SB)/8, $0x8080808006040302
DATA packtab<>+1480(SB)/8, $4
DATA packtab<>+1488(SB)/8, $0x8080800604030200
DATA packtab<>+1496(SB)/8, $5
DATA packtab<>+1504(SB)/8, $0x8080800604030201
DATA packtab<>+1512(SB)/8, $5
DATA packtab<>+1520(SB)/8, $0x8080060403020100
DATA packtab<>+1528(SB)/8, $6
DATA packtab<>+1536(SB)/8, $0x8080808080800605
DATA packtab<>+1544(SB)/8, $2
DATA packtab<>+1552(SB)/8, $0x8080808080060500
DATA packtab<>+1560(SB)/8, $3
DATA packtab<>+1568(SB)/8, $0x8080808080060501
DATA packtab<>+1576(SB)/8, $3
DATA packtab<>+1584(SB)/8, $0x8080808006050100
DATA packtab<>+1592(SB)/8, $4
DATA packtab<>+1600(SB)/8, $0x8080808080060502
DATA packtab<>+1608(SB)/8, $3
DATA packtab<>+1616(SB)/8, $0x8080808006050200
DATA packtab<>+1624(SB)/8, $4
DATA packtab<>+1632(SB)/8, $0x8080808006050201
DATA packtab<>+1640(SB)/8, $4
DATA packtab<>+1648(SB)/8, $0x8080800605020100
DATA packtab<>+1656(SB)/8, $5
DATA packtab<>+1664(SB)/8, $0x8080808080060503
DATA packtab<>+1672(SB)/8, $3
DATA packtab<>+1680(SB)/8, $0x8080808006050300
DATA packtab<>+1688(SB)/8, $4
DATA packtab<>+1696(SB)/8, $0x8080808006050301
DATA packtab<>+1704(SB)/8, $4
DATA packtab<>+1712(SB)/8, $0x8080800605030100
DATA packtab<>+1720(SB)/8, $5
DATA packtab<>+1728(SB)/8, $0x8080808006050302
DATA packtab<>+1736(SB)/8, $4
DATA packtab<>+1744(SB)/8, $0x8080800605030200
DATA packtab<>+1752(SB)/8, $5
DATA packtab<>+1760(SB)/8, $0x8080800605030201
DATA packtab<>+1768(SB)/8, $5
DATA packtab<>+1776(SB)/8, $0x8080060503020100
DATA packtab<>+1784(SB)/8, $6
DATA packtab<>+1792(SB)/8, $0x8080808080060504
DATA packtab<>+1800(SB)/8, $3
DATA packtab<>+1808(SB)/8, $0x8080808006050400
DATA packtab<>+1816(SB)/8, $4
DATA packtab<>+1824(SB)/8, $0x8080808006050401
DATA packtab<>+1832(SB)/8, $4
DATA packtab<>+1840(SB)/8, $0x8080800605040100
DATA packtab<>+1848(SB)/8, $5
DATA packtab<>+1856(SB)/8, $0x8080808006050402
DATA packtab<>+1864(SB)/8, $4
DATA packtab<>+1872(SB)/8, $0x8080800605040200
DATA packtab<>+1880(SB)/8, $5
DATA packtab<>+1888(SB)/8, $0x8080800605040201
DATA packtab<>+1896(SB)/8, $5
DATA packtab<>+1904(SB)/8, $0x8080060504020100
DATA packtab<>+1912(SB)/8, $6
DATA packtab<>+1920(SB)/8, $0x8080808006050403
DATA packtab<>+1928(SB)/8, $4
DATA packtab<>+1936(SB)/8, $0x8080800605040300
DATA packtab<>+1944(SB)/8, $5
DATA packtab<>+1952(SB)/8, $0x8080800605040301
DATA packtab<>+1960(SB)/8, $5
DATA packtab<>+1968(SB)/8, $0x8080060504030100
DATA packtab<>+1976(SB)/8, $6
DATA packtab<>+1984(SB)/8, $0x8080800605040302
DATA packtab<>+1992(SB)/8, $5
DATA packtab<>+2000(SB)/8, $0x8080060504030200
DATA packtab<>+2008(SB)/8, $6
DATA packtab<>+2016(SB)/8, $0x8080060504030201
DATA packtab<>+2024(SB)/8, $6
DATA packtab<>+2032(SB)/8, $0x8006050403020100
DATA packtab<>+2040(SB)/8, $7
DATA packtab<>+2048(SB)/8, $0x8080808080808007
DATA packtab<>+2056(SB)/8, $1
DATA packtab<>+2064(SB)/8, $0x8080808080800700
DATA packtab<>+2072(SB)/8, $2
DATA packtab<>+2080(SB)/8, $0x8080808080800701
DATA packtab<>+2088(SB)/8, $2
DATA packtab<>+2096(SB)/8, $0x8080808080070100
DATA packtab<>+2104(SB)/8, $3
DATA packtab<>+2112(SB)/8, $0x8080808080800702
DATA packtab<>+2120(SB)/8, $2
DATA packtab<>+2128(SB)/8, $0x8080808080070200
DATA packtab<>+2136(SB)/8, $3
DATA packtab<>+2144(SB)/8, $0x8080808080070201
DATA packtab<>+2152(SB)/8, $3
DATA packtab<>+2160(SB)/8, $0x8080808007020100
DATA packtab<>+2168(SB)/8, $4
DATA packtab<>+2176(SB)/8, $0x8080808080800703
DATA packtab<>+2184(SB)/8, $2
DATA packtab<>+2192(SB)/8, $0x8080808080070300
DATA packtab<>+2200(SB)/8, $3
DATA packtab<>+2208(SB)/8, $0x8080808080070301
DATA packtab<>+2216(SB)/8, $3
DATA packtab<>+2224(SB)/8, $0x8080808007030100
DATA packtab<>+2232(SB)/8, $4
DATA packtab<>+2240(SB)/8, $0x8080808080070302
DATA packtab<>+2248(SB)/8, $3
DATA packtab<>+2256(SB)/8, $0x8080808007030200
DATA packtab<>+2264(SB)/8, $4
DATA packtab<>+2272(SB)/8, $0x8080808007030201
DATA packtab<>+2280(SB)/8, $4
DATA packtab<>+2288(SB)/8, $0x8080800703020100
DATA packtab<>+2296(SB)/8, $5
DATA packtab<>+2304(SB)/8, $0x8080808080800704
DATA packtab<>+2312(SB)/8, $2
DATA packtab<>+2320(SB)/8, $0x8080808080070400
DATA packtab<>+2328(SB)/8, $3
DATA packtab<>+2336(SB)/8, $0x8080808080070401
DATA packtab<>+2344(SB)/8, $3
DATA packtab<>+2352(SB)/8, $0x8080808007040100
DATA packtab<>+2360(SB)/8, $4
DATA packtab<>+2368(SB)/8, $0x8080808080070402
DATA packtab<>+2376(SB)/8, $3
DATA packtab<>+2384(SB)/8, $0x8080808007040200
DATA packtab<>+2392(SB)/8, $4
DATA packtab<>+2400(SB)/8, $0x8080808007040201
DATA packtab<>+2408(SB)/8, $4
DATA packtab<>+2416(SB)/8, $0x8080800704020100
DATA packtab<>+2424(SB)/8, $5
DATA packtab<>+2432(SB)/8, $0x8080808080070403
DATA packtab<>+2440(SB)/8, $3
DATA packtab<>+2448(SB)/8, $0x8080808007040300
DATA packtab<>+2456(SB)/8, $4
DATA packtab<>+2464(SB)/8, $0x8080808007040301
DATA packtab<>+2472(SB)/8, $4
DATA packtab<>+2480(SB)/8, $0x8080800704030100
DATA packtab<>+2488(SB)/8, $5
DATA packtab<>+2496(SB)/8, $0x8080808007040302
DATA packtab<>+2504(SB)/8, $4
DATA packtab<>+2512(SB)/8, $0x8080800704030200
DATA packtab<>+2520(SB)/8, $5
DATA packtab<>+2528(SB)/8, $0x8080800704030201
DATA packtab<>+2536(SB)/8, $5
DATA packtab<>+2544(SB)/8, $0x8080070403020100
DATA packtab<>+2552(SB)/8, $6
DATA packtab<>+2560(SB)/8, $0x8080808080800705
DATA packtab<>+2568(SB)/8, $2
DATA packtab<>+2576(SB)/8, $0x8080808080070500
DATA packtab<>+2584(SB)/8, $3
DATA packtab<>+2592(SB)/8, $0x8080808080070501
DATA packtab<>+2600(SB)/8, $3
DATA packtab<>+2608(SB)/8, $0x8080808007050100
DATA packtab<>+2616(SB)/8, $4
DATA packtab<>+2624(SB)/8, $0x8080808080070502
DATA packtab<>+2632(SB)/8, $3
DATA packtab<>+2640(SB)/8, $0x8080808007050200
DATA packtab<>+2648(SB)/8, $4
DATA packtab<>+2656(SB)/8, $0x8080808007050201
DATA packtab<>+2664(SB)/8, $4
DATA packtab<>+2672(SB)/8, $0x8080800705020100
DATA packtab<>+2680(SB)/8, $5
DATA packtab<>+2688(SB)/8, $0x8080808080070503
DATA packtab<>+2696(SB)/8, $3
DATA packtab<>+2704(SB)/8, $0x8080808007050300
DATA packtab<>+2712(SB)/8, $4
DATA packtab<>+2720(SB)/8, $0x8080808007050301
DATA packtab<>+2728(SB)/8, $4
DATA packtab<>+2736(SB)/8, $0x8080800705030100
DATA packtab<>+2744(SB)/8, $5
DATA packtab<>+2752(SB)/8, $0x8080808007050302
DATA packtab<>+2760(SB)/8, $4
DATA packtab<>+2768(SB)/8, $0x8080800705030200
DATA packtab<>+2776(SB)/8, $5
DATA packtab<>+2784(SB)/8, $0x8080800705030201
DATA packtab<>+2792(SB)/8, $5
DATA packtab<>+2800(SB)/8, $0x8080070503020100
DATA packtab<>+2808(SB)/8, $6
DATA packtab<>+2816(SB)/8, $0x8080808080070504
DATA packtab<>+2824(SB)/8, $3
DATA packtab<>+2832(SB)/8, $0x8080808007050400
DATA packtab<>+2840(SB)/8, $4
DATA packtab<>+2848(SB)/8, $0x8080808007050401
DATA packtab<>+2856(SB)/8, $4
DATA packtab<>+2864(SB)/8, $0x8080800705040100
DATA packtab<>+2872(SB)/8, $5
DATA packtab<>+2880(SB)/8, $0x8080808007050402
DATA packtab<>+2888(SB)/8, $4
DATA packtab<>+2896(SB)/8, $0x8080800705040200
DATA packtab<>+2904(SB)/8, $5
DATA packtab<>+2912(SB)/8, $0x8080800705040201
DATA packtab<>+2920(SB)/8, $5
DATA packtab<>+2928(SB)/8, $0x8080070504020100
DATA packtab<>+2936(SB)/8, $6
DATA packtab<>+2944(SB)/8, $0x8080808007050403
DATA packtab<>+2952(SB)/8, $4
DATA packtab<>+2960(SB)/8, $0x8080800705040300
DATA packtab<>+2968(SB)/8, $5
DATA packtab<>+2976(SB)/8, $0x8080800705040301
DATA packtab<>+2984(SB)/8, $5
DATA packtab<>+2992(SB)/8, $0x8080070504030100
DATA packtab<>+3000(SB)/8, $6
DATA packtab<>+3008(SB)/8, $0x8080800705040302
DATA packtab<>+3016(SB)/8, $5
DATA packtab<>+3024(SB)/8, $0x8080070504030200
DATA packtab<>+3032(SB)/8, $6
DATA packtab<>+3040(SB)/8, $0x8080070504030201
DATA packtab<>+3048(SB)/8, $6
DATA packtab<>+3056(SB)/8, $0x8007050403020100
DATA packtab<>+3064(SB)/8, $7
DATA packtab<>+3072(SB)/8, $0x8080808080800706
DATA packtab<>+3080(SB)/8, $2
DATA packtab<>+3088(SB)/8, $0x8080808080070600
DATA packtab<>+3096(SB)/8, $3
DATA packtab<>+3104(SB)/8, $0x8080808080070601
DATA packtab<>+3112(SB)/8, $3
DATA packtab<>+3120(SB)/8, $0x8080808007060100
DATA packtab<>+3128(SB)/8, $4
DATA packtab<>+3136(SB)/8, $0x8080808080070602
DATA packtab<>+3144(SB)/8, $3
DATA packtab<>+3152(SB)/8, $0x8080808007060200
DATA packtab<>+3160(SB)/8, $4
DATA packtab<>+3168(SB)/8, $0x8080808007060201
DATA packtab<>+3176(SB)/8, $4
DATA packtab<>+3184(SB)/8, $0x8080800706020100
DATA packtab<>+3192(SB)/8, $5
DATA packtab<>+3200(SB)/8, $0x8080808080070603
DATA packtab<>+3208(SB)/8, $3
DATA packtab<>+3216(SB)/8, $0x8080808007060300
DATA packtab<>+3224(SB)/8, $4
DATA packtab<>+3232(SB)/8, $0x8080808007060301
DATA packtab<>+3240(SB)/8, $4
DATA packtab<>+3248(SB)/8, $0x8080800706030100
DATA packtab<>+3256(SB)/8, $5
DATA packtab<>+3264(SB)/8, $0x8080808007060302
DATA packtab<>+3272(SB)/8, $4
DATA packtab<>+3280(SB)/8, $0x8080800706030200
DATA packtab<>+3288(SB)/8, $5
DATA packtab<>+3296(SB)/8, $0x8080800706030201
DATA packtab<>+3304(SB)/8, $5
DATA packtab<>+3312(SB)/8, $0x8080070603020100
DATA packtab<>+3320(SB)/8, $6
DATA packtab<>+3328(SB)/8, $0x8080808080070604
DATA packtab<>+3336(SB)/8, $3
DATA packtab<>+3344(SB)/8, $0x8080808007060400
DATA packtab<>+3352(SB)/8, $4
DATA packtab<>+3360(SB)/8, $0x8080808007060401
DATA packtab<>+3368(SB)/8, $4
DATA packtab<>+3376(SB)/8, $0x8080800706040100
DATA packtab<>+3384(SB)/8, $5
DATA packtab<>+3392(SB)/8, $0x8080808007060402
DATA packtab<>+3400(SB)/8, $4
DATA packtab<>+3408(SB)/8, $0x8080800706040200
DATA packtab<>+3416(SB)/8, $5
DATA packtab<>+3424(SB)/8, $0x8080800706040201
DATA packtab<>+3432(SB)/8, $5
DATA packtab<>+3440(SB)/8, $0x8080070604020100
DATA packtab<>+3448(SB)/8, $6
DATA packtab<>+3456(SB)/8, $0x8080808007060403
DATA packtab<>+3464(SB)/8, $4
DATA packtab<>+3472(SB)/8, $0x8080800706040300
DATA packtab<>+3480(SB)/8, $5
DATA packtab<>+3488(SB)/8, $0x8080800706040301
DATA packtab<>+3496(SB)/8, $5
DATA packtab<>+3504(SB)/8, $0x8080070604030100
DATA packtab<>+3512(SB)/8, $6
DATA packtab<>+3520(SB)/8, $0x8080800706040302
DATA packtab<>+3528(SB)/8, $5
DATA packtab<>+3536(SB)/8, $0x8080070604030200
DATA packtab<>+3544(SB)/8, $6
DATA packtab<>+3552(SB)/8, $0x8080070604030201
DATA packtab<>+3560(SB)/8, $6
DATA packtab<>+3568(SB)/8, $0x8007060403020100
DATA packtab<>+3576(SB)/8, $7
DATA packtab<>+3584(SB)/8, $0x8080808080070605
DATA packtab<>+3592(SB)/8, $3
DATA packtab<>+3600(SB)/8, $0x8080808007060500
DATA packtab<>+3608(SB)/8, $4
DATA packtab<>+3616(SB)/8, $0x8080808007060501
DATA packtab<>+3624(SB)/8, $4
DATA packtab<>+3632(SB)/8, $0x8080800706050100
DATA packtab<>+3640(SB)/8, $5
DATA packtab<>+3648(SB)/8, $0x8080808007060502
DATA packtab<>+3656(SB)/8, $4
DATA packtab<>+3664(SB)/8, $0x8080800706050200
DATA packtab<>+3672(SB)/8, $5
DATA packtab<>+3680(SB)/8, $0x8080800706050201
DATA packtab<>+3688(SB)/8, $5
DATA packtab<>+3696(SB)/8, $0x8080070605020100
DATA packtab<>+3704(SB)/8, $6
DATA packtab<>+3712(SB)/8, $0x8080808007060503
DATA packtab<>+3720(SB)/8, $4
DATA packtab<>+3728(SB)/8, $0x8080800706050300
DATA packtab<>+3736(SB)/8, $5
DATA packtab<>+3744(SB)/8, $0x8080800706050301
DATA packtab<>+3752(SB)/8, $5
DATA packtab<>+3760(SB)/8, $0x8080070605030100
DATA packtab<>+3768(SB)/8, $6
DATA packtab<>+3776(SB)/8, $0x8080800706050302
DATA packtab<>+3784(SB)/8, $5
DATA packtab<>+3792(SB)/8, $0x8080070605030200
DATA packtab<>+3800(SB)/8, $6
DATA packtab<>+3808(SB)/8, $0x8080070605030201
DATA packtab<>+3816(SB)/8, $6
DATA packtab<>+3824(SB)/8, $0x8007060503020100
DATA packtab<>+3832(SB)/8, $7
DATA packtab<>+3840(SB)/8, $0x8080808007060504
DATA packtab<>+3848(SB)/8, $4
DATA packtab<>+3856(SB)/8, $0x8080800706050400
DATA packtab<>+3864(SB)/8, $5
DATA packtab<>+3872(SB)/8, $0x8080800706050401
DATA packtab<>+3880(SB)/8, $5
DATA packtab<>+3888(SB)/8, $0x8080070605040100
DATA packtab<>+3896(SB)/8, $6
DATA packtab<>+3904(SB)/8, $0x8080800706050402
DATA packtab<>+3912(SB)/8, $5
DATA packtab<>+3920(SB)/8, $0x8080070605040200
DATA packtab<>+3928(SB)/8, $6
DATA packtab<>+3936(SB)/8, $0x8080070605040201
DATA packtab<>+3944(SB)/8, $6
DATA packtab<>+3952(SB)/8, $0x8007060504020100
DATA packtab<>+3960(SB)/8, $7
DATA packtab<>+3968(SB)/8, $0x8080800706050403
DATA packtab<>+3976(SB)/8, $5
DATA packtab<>+3984(SB)/8, $0x8080070605040300
DATA packtab<>+3992(SB)/8, $6
DATA packtab<>+4000(SB)/8, $0x8080070605040301
DATA packtab<>+4008(SB)/8, $6
DATA packtab<>+4016(SB)/8, $0x8007060504030100
DATA packtab<>+4024(SB)/8, $7
DATA packtab<>+4032(SB)/8, $0x8080070605040302
DATA packtab<>+4040(SB)/8, $6
DATA packtab<>+4048(SB)/8, $0x8007060504030200
DATA packtab<>+4056(SB)/8, $7
DATA packtab<>+4064(SB)/8, $0x8007060504030201
DATA packtab<>+4072(SB)/8, $7
DATA packtab<>+4080(SB)/8, $0x0706050403020100
DATA packtab<>+4088(SB)/8, $8
GLOBL packtab<>(SB), RODATA|NOPTR, $4096

// Tabs and their difference from a space (0x09 ^ 0x20), a whole register
// each, for compactHashAVX2.
DATA tab32<>+0(SB)/8, $0x0909090909090909
DATA tab32<>+8(SB)/8, $0x0909090909090909
DATA tab32<>+16(SB)/8, $0x0909090909090909
DATA tab32<>+24(SB)/8, $0x0909090909090909
DATA tab32<>+32(SB)/8, $0x2929292929292929
DATA tab32<>+40(SB)/8, $0x2929292929292929
DATA tab32<>+48(SB)/8, $0x2929292929292929
DATA tab32<>+56(SB)/8, $0x2929292929292929
GLOBL tab32<>(SB), RODATA|NOPTR, $64

// CCLASS classifies the 32 bytes at H(SI), as KCLASSIFY does (see
// compactAVX512), in Y11-Y15 alone with the constants in memory: it sets
// RDROP to the bytes to drop, RSTOP to the bare CRs, RBARE to the bare
// LFs, and stores the bytes, tabs made spaces, at H(SP).
//
//	Y11 p[j]; Y12 p[j+1]; Y13 ws1 | cr1 | lf1; Y12 lf1;
//	Y14 cr0, then stop = cr0 &^ lf1;
//	Y14 ws0; Y12 tab0; Y13 drop = ws0 & (ws1 | cr1 | lf1);
//	Y12 the bytes with tabs made spaces (p[j] ^ 0x29 where tab0);
//	Y13 lf0; Y14 p[j-1], then crm1; Y13 bareLF = lf0 &^ crm1.
#define CCLASS(H, RDROP, RSTOP, RBARE) \
	VMOVDQU H(SI), Y11; \
	VMOVDQU H+1(SI), Y12; \
	VPCMPEQB cand32<>+0(SB), Y12, Y13; \
	VPCMPEQB tab32<>+0(SB), Y12, Y14; \
	VPOR Y14, Y13, Y13; \
	VPCMPEQB cand32<>+32(SB), Y12, Y14; \
	VPOR Y14, Y13, Y13; \
	VPCMPEQB cand32<>+64(SB), Y12, Y12; \
	VPOR Y12, Y13, Y13; \
	VPCMPEQB cand32<>+32(SB), Y11, Y14; \
	VPANDN Y14, Y12, Y14; \
	VPMOVMSKB Y14, RSTOP; \
	VPCMPEQB cand32<>+0(SB), Y11, Y14; \
	VPCMPEQB tab32<>+0(SB), Y11, Y12; \
	VPOR Y12, Y14, Y14; \
	VPAND Y14, Y13, Y13; \
	VPMOVMSKB Y13, RDROP; \
	VPAND tab32<>+32(SB), Y12, Y12; \
	VPXOR Y12, Y11, Y12; \
	VMOVDQU Y12, H(SP); \
	VPCMPEQB cand32<>+64(SB), Y11, Y13; \
	VMOVDQU H-1(SI), Y14; \
	VPCMPEQB cand32<>+32(SB), Y14, Y14; \
	VPANDN Y13, Y14, Y13; \
	VPMOVMSKB Y13, RBARE

// CEND is where compactHashAVX2 and compactAVX2 keep on their stack where
// the block ends (64, or at its bare CR).
#define CEND 80

// CPACK is one block of compactHashAVX2 and compactAVX2 (see them):
// the masks of the block at SI (CCLASS), cut at its first bare CR, then
// its bytes packed eight at a time to DI; the groups with a bare LF go to
// cslow (CSLOW), which comes back to cnext. It moves SI past the block
// and jumps to cdone if the block stopped at a bare CR.
#define CPACK \
	CCLASS(0, R10, R13, R12); \
	CCLASS(32, BX, CX, R8); \
	VZEROUPPER; \
	SHLQ $32, BX; \
	ORQ  BX, R10; \
	NOTQ R10; \
	SHLQ $32, R8; \
	ORQ  R8, R12; \
	SHLQ $32, CX; \
	ORQ  CX, R13; \
	MOVQ $64, R9; \
	TESTQ R13, R13; \
	JZ   cend; \
	BSFQ R13, R9; \
	MOVQ R9, CX; \
	MOVQ $1, BX; \
	SHLQ CL, BX; \
	DECQ BX; \
	ANDQ BX, R10; \
	ANDQ BX, R12; \
cend: \
	MOVQ R9, CEND(SP); \
	XORL R13, R13; \
cgroup: \
	MOVBQZX R10B, CX; \
	TESTB $0xff, R12B; \
	JNZ  cslow; \
	SHLQ $4, CX; \
	VMOVQ (R11)(CX*1), X11; \
	VMOVQ (SP)(R13*1), X12; \
	VPSHUFB X11, X12, X12; \
	VMOVQ X12, (DI); \
	MOVBQZX 8(R11)(CX*1), CX; \
	ADDQ CX, DI; \
cnext: \
	SHRQ $8, R10; \
	SHRQ $8, R12; \
	ADDQ $8, R13; \
	CMPQ R13, $64; \
	JNE  cgroup; \
	MOVQ CEND(SP), R9; \
	ADDQ R9, SI; \
	CMPQ R9, $64; \
	JNE  cdone

// CSLOW writes the group of CPACK that has a bare LF: for each bare LF,
// the kept bytes before it not yet written, packed as CPACK packs, then a
// CR; the rest of the group (from the last bare LF on) is left in the low
// byte of R10 with no bare LF in R12, and cgroup packs it.
//
//	X12 the group; BX what is kept and not yet written; R9 the bare
//	LFs left; CX the next bare LF; R8 the bits below it, then the
//	bytes to write.
#define CSLOW \
cslow: \
	MOVQ CX, BX; \
	MOVBQZX R12B, R9; \
	VMOVQ (SP)(R13*1), X12; \
cbare: \
	BSFQ R9, CX; \
	MOVQ $1, R8; \
	SHLQ CL, R8; \
	DECQ R8; \
	ANDQ BX, R8; \
	SHLQ $4, R8; \
	VMOVQ (R11)(R8*1), X11; \
	VPSHUFB X11, X12, X11; \
	VMOVQ X11, (DI); \
	MOVBQZX 8(R11)(R8*1), R8; \
	ADDQ R8, DI; \
	MOVB $0x0d, (DI); \
	INCQ DI; \
	SHRQ CL, BX; \
	SHLQ CL, BX; \
	LEAQ -1(R9), R8; \
	ANDQ R8, R9; \
	JNZ  cbare; \
	MOVB BL, R10B; \
	ANDQ $-256, R12; \
	JMP  cgroup

// func compactHashAVX2(h *[8]uint32, dst []byte, o, hp int, src []byte) (nsrc, ndst, nhash int)
//
// compactHashAVX512 for CPUs with AVX2 and the SHA extensions but no
// AVX-512 (reference: compactHashGeneric): relaxed canonicalization of
// src[1:] into dst from dst[o], 64 bytes at a time, hashing the output
// from dst[hp] into h in the same loop, a block once the output is final
// HASHLAG bytes past it. A block is classified 32 bytes at a time into
// 64-bit masks (CCLASS) and packed eight bytes at a time: the mask of the
// eight to keep picks a PSHUFB pattern from packtab<>, the eight bytes
// are stored and DI moves on by as many as were kept. A group with a
// bare LF is packed in pieces, each ending before a bare LF, with a CR
// after each (CSLOW). At a bare CR the masks are cut there, and it
// returns after packing.
//
// As in candidateHashAVX2, the SHA rounds are legacy SSE: VZEROUPPER
// after the classification, and the packing uses X11 and X12 (VEX, 128
// bits). Registers: SI the next block of src, DI the next byte of dst,
// R14 the next block to hash, DX how far the output is final, R11
// packtab<>; R10 keep, R12 bare LFs, R13 the group's offset, CX, BX, R8,
// R9 scratch. The stack: the block, tabs made spaces, at 0(SP); the last
// place a block may be stored at 64(SP), may start at 72(SP); where the
// block ends (64, or at its bare CR) at 80(SP).
TEXT ·compactHashAVX2(SB), NOSPLIT, $88-96
	MOVQ dst_base+8(FP), DI
	MOVQ dst_len+16(FP), R8
	LEAQ -192(DI)(R8*1), R8
	MOVQ R8, 64(SP)
	MOVQ src_base+48(FP), SI
	MOVQ src_len+56(FP), R9
	LEAQ -65(SI)(R9*1), R9
	MOVQ R9, 72(SP)
	INCQ SI
	ADDQ o+32(FP), DI
	MOVQ hp+40(FP), R14
	ADDQ dst_base+8(FP), R14 // the next block to hash
	MOVQ DI, DX              // the output is final up to here
	MOVQ h+0(FP), BX
	SHALOAD(BX)
	LEAQ packtab<>(SB), R11

cloop:
	CMPQ SI, 72(SP)
	JHI  cdone
	CMPQ DI, 64(SP)
	JHI  cdone
	CPACK
	CMPB -1(SI), $0x20       // the block ended with content:
	CMOVQHI DI, DX           // all output so far is final
	LEAQ HASHLAG(R14), BX
	CMPQ BX, DX
	JHI  cloop
	SHABLOCK(R14)
	ADDQ $64, R14
	JMP  cloop

	CSLOW

cdone:
	MOVQ h+0(FP), BX
	SHASTORE(BX)
	MOVQ src_base+48(FP), BX
	SUBQ BX, SI
	MOVQ SI, nsrc+72(FP)
	MOVQ dst_base+8(FP), BX
	SUBQ BX, DI
	MOVQ DI, ndst+80(FP)
	SUBQ BX, R14
	MOVQ R14, nhash+88(FP)
	VZEROUPPER
	RET

// func compactAVX2(dst []byte, o int, src []byte) (nsrc, ndst int)
//
// compactAVX512 with AVX2 (reference: compactGeneric): compactHashAVX2
// without the hash, for the avx2 path and for the output that is not
// the body digest on the avx2-sha path. Registers and stack as in
// compactHashAVX2, without R14 and DX.
TEXT ·compactAVX2(SB), NOSPLIT, $88-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), R8
	LEAQ -192(DI)(R8*1), R8
	MOVQ R8, 64(SP)
	MOVQ src_base+32(FP), SI
	MOVQ src_len+40(FP), R9
	LEAQ -65(SI)(R9*1), R9
	MOVQ R9, 72(SP)
	INCQ SI
	ADDQ o+24(FP), DI
	LEAQ packtab<>(SB), R11

cloop:
	CMPQ SI, 72(SP)
	JHI  cdone
	CMPQ DI, 64(SP)
	JHI  cdone
	CPACK
	JMP  cloop
	CSLOW

cdone:
	COMPACTRET

// func lfAVX2(p []byte, i int) (j int, found bool)
//
// For simple canonicalization: the first LF from p[i] (i >= 1) that has
// no CR before it or has a CR or LF after it, 32 bytes at a time, while
// the block and the byte after it are within p:
//
//	lf0 & (^crm1 | cr1 | lf1)
TEXT ·lfAVX2(SB), NOSPLIT, $0-41
	MOVQ p_base+0(FP), SI
	MOVQ p_len+8(FP), DX
	MOVQ i+24(FP), CX
	VPBROADCASTB scanconst<>+1(SB), Y11
	VPBROADCASTB scanconst<>+2(SB), Y12
	SUBQ $33, DX           // blocks start at or before len(p)-33

lfloop:
	CMPQ CX, DX
	JGT  lfstop
	LEAQ (SI)(CX*1), DI
	VMOVDQU -1(DI), Y0     // p[j-1:]
	VMOVDQU (DI), Y1       // p[j:]
	VMOVDQU 1(DI), Y2      // p[j+1:]
	VPCMPEQB Y12, Y1, Y3   // lf0
	VPCMPEQB Y11, Y0, Y4   // crm1
	VPCMPEQB Y11, Y2, Y5   // cr1
	VPCMPEQB Y12, Y2, Y6   // lf1
	VPOR     Y6, Y5, Y5
	VPANDN   Y3, Y4, Y4    // lf0 &^ crm1
	VPAND    Y5, Y3, Y5    // lf0 & (cr1 | lf1)
	VPOR     Y5, Y4, Y4
	VPMOVMSKB Y4, AX
	TESTL AX, AX
	JNZ  lfhit
	ADDQ $32, CX
	JMP  lfloop

lfhit:
	BSFL AX, AX
	ADDQ AX, CX
	SCANRET(1)

lfstop:
	SCANRET(0)

// func masksAVX2(p []byte, i int, masks []uint64)
//
// For each w, the candidate mask of p[i+64w:][:64] (the bits of
// candidateAVX2, two blocks of 32) into masks[w]. The caller sees that
// p[i-1] and p[i+64*len(masks)+1] are within p.
TEXT ·masksAVX2(SB), NOSPLIT, $0-56
	MOVQ p_base+0(FP), SI
	MOVQ i+24(FP), CX
	MOVQ masks_base+32(FP), R8
	MOVQ masks_len+40(FP), R9
	VPBROADCASTB scanconst<>+0(SB), Y10
	VPBROADCASTB scanconst<>+1(SB), Y11
	VPBROADCASTB scanconst<>+2(SB), Y12
	LEAQ (SI)(CX*1), DI
	TESTQ R9, R9
	JZ   mdone

mloop:
	CANDMASK(0)
	MOVL AX, BX
	CANDMASK(32)
	SHLQ $32, AX
	ORQ  BX, AX
	MOVQ AX, (R8)
	ADDQ $64, DI
	ADDQ $8, R8
	DECQ R9
	JNZ  mloop

mdone:
	VZEROUPPER
	RET
