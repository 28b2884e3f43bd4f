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

// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv0() (eax uint32)
TEXT ·xgetbv0(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	RET

// One byte each, broadcast: space, tab, CR, LF.
DATA compactconst<>+0(SB)/1, $0x20
DATA compactconst<>+1(SB)/1, $0x09
DATA compactconst<>+2(SB)/1, $0x0d
DATA compactconst<>+3(SB)/1, $0x0a
GLOBL compactconst<>(SB), RODATA|NOPTR, $4

// func compactRelaxedAVX512(dst, src []byte) (nsrc, ndst int)
//
// Relaxed body canonicalization of src[1:] into dst, 64 bytes at a time,
// with AVX-512 (F, BW, VBMI2), BMI1 and BMI2. For each byte, with compares
// on the block, the block one byte later and the block one byte earlier:
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
// room). A bare LF becomes CRLF: the block is packed in segments, each
// ending before a bare LF, with a CR stored after each. At the first stop
// it packs the bytes before it and returns; it also returns when src has
// fewer than 65 bytes from j or dst less than 192 (a block of bare LFs
// stores up to 128 bytes, the last store reaching 64 beyond). The caller
// resumes after the last content byte (see compactRelaxed).
TEXT ·compactRelaxedAVX512(SB), NOSPLIT, $0-64
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), R8
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), R9
	SUBQ $192, R8          // blocks are stored from at most len(dst)-192
	SUBQ $65, R9           // and read from at most len(src)-65
	MOVQ $1, CX            // j
	XORQ DX, DX            // o
	VPBROADCASTB compactconst<>+0(SB), Z10
	VPBROADCASTB compactconst<>+1(SB), Z11
	VPBROADCASTB compactconst<>+2(SB), Z12
	VPBROADCASTB compactconst<>+3(SB), Z13

cloop:
	CMPQ CX, R9
	JGT  cdone
	CMPQ DX, R8
	JGT  cdone
	VMOVDQU64 -1(SI)(CX*1), Z0
	VMOVDQU64 (SI)(CX*1), Z1
	VMOVDQU64 1(SI)(CX*1), Z2
	VPCMPEQB Z10, Z1, K1
	VPCMPEQB Z11, Z1, K2
	KORQ     K2, K1, K1    // ws0
	VPCMPEQB Z10, Z2, K2
	VPCMPEQB Z11, Z2, K3
	KORQ     K3, K2, K2    // ws1
	VPCMPEQB Z12, Z2, K3   // cr1
	VPCMPEQB Z13, Z2, K6   // lf1
	KORQ     K3, K2, K4
	KORQ     K6, K4, K4
	KANDQ    K1, K4, K4    // drop
	KNOTQ    K4, K4        // keep
	VPCMPEQB Z12, Z1, K5   // cr0
	KANDNQ   K5, K6, K5    // stop = cr0 &^ lf1
	VPCMPEQB Z13, Z1, K6   // lf0
	VPCMPEQB Z12, Z0, K7   // crm1
	KANDNQ   K6, K7, K6    // bareLF = lf0 &^ crm1
	VMOVDQU8 Z10, K1, Z1   // white space to spaces
	KORTESTQ K6, K5
	JNZ      cslow
	VPCOMPRESSB Z1, K4, Z3 // no bare CR or LF: the whole block at once
	VMOVDQU64 Z3, (DI)(DX*1)
	KMOVQ    K4, BX
	POPCNTQ  BX, BX
	ADDQ     BX, DX
	ADDQ     $64, CX
	JMP      cloop

cslow:
	KMOVQ    K4, BX        // keep
	KMOVQ    K5, AX        // stop
	KMOVQ    K6, R10       // bare LFs
	MOVQ     $64, R12      // where the block ends: 64, or at the first stop
	TESTQ    AX, AX
	JZ       cend
	BSFQ     AX, R12

cend:
	BZHIQ    R12, BX, BX   // keep and bare LFs before the end only
	BZHIQ    R12, R10, R10
	XORQ     R11, R11      // the bits of the block already packed
	TESTQ    R10, R10
	JZ       clast

clf:
	BSFQ     R10, R13      // the next bare LF
	BZHIQ    R13, BX, AX
	ANDNQ    AX, R11, AX   // the kept bytes before it, not yet packed
	KMOVQ    AX, K4
	VPCOMPRESSB Z1, K4, Z3
	VMOVDQU64 Z3, (DI)(DX*1)
	POPCNTQ  AX, AX
	ADDQ     AX, DX
	MOVB     $0x0d, (DI)(DX*1) // the CR before it
	INCQ     DX
	MOVQ     $-1, R11
	BZHIQ    R13, R11, R11 // packed: everything before the LF
	BLSRQ    R10, R10      // on to the next bare LF
	JNZ      clf

clast:
	ANDNQ    BX, R11, BX   // the rest of the kept bytes
	KMOVQ    BX, K4
	VPCOMPRESSB Z1, K4, Z3
	VMOVDQU64 Z3, (DI)(DX*1)
	POPCNTQ  BX, BX
	ADDQ     BX, DX
	ADDQ     R12, CX
	CMPQ     R12, $64
	JEQ      cloop

cdone:
	MOVQ CX, nsrc+48(FP)
	MOVQ DX, ndst+56(FP)
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
