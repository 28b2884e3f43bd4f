//go:build amd64 && !purego

#include "textflag.h"

// SCANRET returns j (in CX) and found from a scan: func(p []byte, i int) (j int, found bool).
#define SCANRET(f) MOVQ CX, j+32(FP); MOVB $f, found+40(FP); VZEROUPPER; RET

// One byte each, broadcast to a whole register: space, CR, LF.
DATA scanconst<>+0(SB)/1, $0x20
DATA scanconst<>+1(SB)/1, $0x0d
DATA scanconst<>+2(SB)/1, $0x0a
GLOBL scanconst<>(SB), RODATA|NOPTR, $3

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
	VMOVDQU -1(DI), Y0     // p[j-1:]
	VMOVDQU (DI), Y1       // p[j:]
	VMOVDQU 1(DI), Y2      // p[j+1:]
	VMOVDQU 2(DI), Y3      // p[j+2:]
	VPMINUB Y10, Y1, Y4
	VPCMPEQB Y4, Y1, Y4    // ctl0
	VPMINUB Y10, Y2, Y5
	VPCMPEQB Y5, Y2, Y5    // ctl1
	VPMINUB Y10, Y3, Y6
	VPCMPEQB Y6, Y3, Y6    // ctl2
	VPCMPEQB Y10, Y1, Y7   // sp0
	VPCMPEQB Y11, Y1, Y8   // p[j] is CR
	VPCMPEQB Y12, Y2, Y9   // p[j+1] is LF
	VPAND    Y9, Y8, Y8
	VPANDN   Y8, Y6, Y8    // okCR = Y8 &^ ctl2
	VPCMPEQB Y12, Y1, Y9   // p[j] is LF
	VPCMPEQB Y11, Y0, Y13  // p[j-1] is CR
	VPAND    Y13, Y9, Y9
	VPANDN   Y9, Y5, Y9    // okLF = Y9 &^ ctl1
	VPOR     Y9, Y8, Y8    // ok
	VPANDN   Y4, Y7, Y13   // ctl0 &^ sp0
	VPANDN   Y13, Y8, Y13  //  &^ ok
	VPAND    Y5, Y7, Y7    // sp0 & ctl1
	VPOR     Y7, Y13, Y13
	VPMOVMSKB Y13, AX
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
	MOVQ src_base+32(FP), BX
	SUBQ BX, SI
	MOVQ SI, nsrc+56(FP)
	MOVQ dst_base+0(FP), BX
	SUBQ BX, DI
	MOVQ DI, ndst+64(FP)
	VZEROUPPER
	RET

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
	MOVQ p_base+8(FP), DI
	MOVQ p_len+16(FP), DX
	LEAQ -66(DI)(DX*1), DX  // blocks start at or before len(p)-66
	MOVQ i+32(FP), SI
	ADDQ DI, SI
	MOVQ hp+40(FP), R14
	ADDQ DI, R14
	MOVQ h+0(FP), BX
	SHALOAD(BX)
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
	ADDQ     $64, SI
	LEAQ     64(R14), BX
	CMPQ     BX, SI
	JHI      hloop
	SHABLOCK(R14)
	ADDQ     $64, R14
	JMP      hloop

hhit:
	KMOVQ    K1, BX
	BSFQ     BX, BX
	ADDQ     BX, SI
	MOVB     $1, found+56(FP)
	JMP      hret

hstop:
	MOVB     $0, found+56(FP)

hret:
	MOVQ h+0(FP), BX
	SHASTORE(BX)
	SUBQ DI, SI
	MOVQ SI, j+48(FP)
	SUBQ DI, R14
	MOVQ R14, nhash+64(FP)
	VZEROUPPER
	RET

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
	MOVQ p_base+8(FP), DI
	MOVQ p_len+16(FP), DX
	LEAQ -66(DI)(DX*1), DX  // blocks start at or before len(p)-66
	MOVQ i+32(FP), SI
	ADDQ DI, SI
	MOVQ hp+40(FP), R14
	ADDQ DI, R14
	MOVQ h+0(FP), BX
	SHALOAD(BX)

aloop:
	CMPQ SI, DX
	JHI  astop
	CAND32(0, CX)
	CAND32(32, R8)
	VZEROUPPER
	SHLQ $32, R8
	ORQ  R8, CX
	JNZ  ahit
	ADDQ $64, SI
	LEAQ 64(R14), BX
	CMPQ BX, SI
	JHI  aloop
	SHABLOCK(R14)
	ADDQ $64, R14
	JMP  aloop

ahit:
	BSFQ CX, CX
	ADDQ CX, SI
	MOVB $1, found+56(FP)
	JMP  aret

astop:
	MOVB $0, found+56(FP)

aret:
	MOVQ h+0(FP), BX
	SHASTORE(BX)
	SUBQ DI, SI
	MOVQ SI, j+48(FP)
	SUBQ DI, R14
	MOVQ R14, nhash+64(FP)
	VZEROUPPER
	RET

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

// CANDMASK sets AX to the 32-bit candidate mask of the 32 bytes at (DI),
// as candidateAVX2 computes it (reads -1(DI) to 33(DI)); Y10-Y12 hold
// space, CR and LF.
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
