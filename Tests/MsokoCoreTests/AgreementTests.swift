import XCTest
@testable import MsokoCore

/// Agreement statistics against textbook values.
final class AgreementTests: XCTestCase {
    func testCohensKappaOfATwoByTwoTable() {
        // 20 agree on yes, 15 on no, 5 and 10 disagree: pₒ = 0.7, pₑ = 0.5, κ = 0.4.
        let a = Array(repeating: 1, count: 20) + Array(repeating: 1, count: 5) + Array(repeating: 0, count: 10) + Array(repeating: 0, count: 15)
        let b = Array(repeating: 1, count: 20) + Array(repeating: 0, count: 5) + Array(repeating: 1, count: 10) + Array(repeating: 0, count: 15)
        XCTAssertEqual(Agreement.kappa(a, b, categories: [0, 1])!, 0.4, accuracy: 1e-12)
        XCTAssertEqual(Agreement.kappa(a, a, categories: [0, 1]), 1)
    }

    func testQuadraticWeightsForgiveNearMisses() {
        // Marks one apart against marks two apart: the weighted κ tells them apart, the plain one does not.
        let school = [3, 3, 4, 4, 5, 5, 2, 2]
        let near = [3, 3, 4, 3, 5, 4, 2, 2]
        let far = [3, 3, 4, 2, 5, 3, 2, 2]
        let k1 = Agreement.kappa(school, near, categories: [2, 3, 4, 5])!, k2 = Agreement.kappa(school, far, categories: [2, 3, 4, 5])!
        XCTAssertEqual(k1, k2, accuracy: 1e-12)
        XCTAssertGreaterThan(Agreement.kappa(school, near, categories: [2, 3, 4, 5], quadratic: true)!, Agreement.kappa(school, far, categories: [2, 3, 4, 5], quadratic: true)!)
        // By hand: observed weighted disagreement (2 × 1/9) / 8 against the expected from the margins.
        let rows = [2.0, 2, 2, 2], cols = [2.0, 3, 2, 1]
        var expected = 0.0
        for i in 0..<4 { for j in 0..<4 { expected += pow(Double(i - j), 2) / 9 * rows[i] * cols[j] / 64 } }
        XCTAssertEqual(Agreement.kappa(school, near, categories: [2, 3, 4, 5], quadratic: true)!, 1 - (2.0 / 9 / 8) / expected, accuracy: 1e-12)
    }

    func testICCOfShroutAndFleiss() {
        // Shrout & Fleiss (1979), six targets rated by four judges: ICC(2,1) = 0.29.
        let data: [[Double]] = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
        XCTAssertEqual(Agreement.icc(data)!, 0.29, accuracy: 0.005)
        XCTAssertEqual(Agreement.icc([[1, 1], [2, 2], [5, 5]])!, 1, accuracy: 1e-12)
    }

    func testMeanDifferencesPerTask() {
        let school: [[UInt8]] = [[2, 1], [2, WorkRecord.notDone]]
        let commission: [[UInt8]] = [[1, 1], [0, 0]]
        XCTAssertEqual(Agreement.meanDifferences(school: school, commission: commission), [1.5, 0])
    }
}
