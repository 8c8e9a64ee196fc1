/// Vietnamese names at realistic frequencies. Family-name shares are the commonly cited national figures
/// (Nguyễn ≈ 38 %, Trần ≈ 11 %, Lê ≈ 9.5 %, Phạm ≈ 7 % …); middle and given names are common ones.
enum VietnameseNames {
    static let family: [(String, Double)] = [
        ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 3.1), ("Huỳnh", 2.0), ("Phan", 4.5), ("Vũ", 2.0),
        ("Võ", 1.9), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5),
        ("Đào", 0.8), ("Đoàn", 0.7), ("Vương", 0.3), ("Trịnh", 0.6), ("Trương", 0.8), ("Lâm", 0.5), ("Mai", 0.5), ("Cao", 0.4),
        ("Tạ", 0.3), ("Châu", 0.3), ("Lương", 0.4), ("Tô", 0.3), ("Hà", 0.4), ("Thái", 0.3),
    ]
    static let maleMiddle = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Hoàng", "Ngọc", "Xuân", "Tấn", "Quang"]
    static let femaleMiddle = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ", "Hồng", "Bích", "Phương", "Minh"]
    static let maleGiven = ["An", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng", "Huy", "Khang", "Khoa",
                            "Kiên", "Lâm", "Long", "Luân", "Minh", "Nam", "Nghĩa", "Nhân", "Phát", "Phong", "Phúc", "Quân", "Quang",
                            "Sơn", "Tài", "Tâm", "Thành", "Thắng", "Thịnh", "Tiến", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh"]
    static let femaleGiven = ["Anh", "Ánh", "Bích", "Chi", "Diễm", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng",
                              "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh",
                              "Phương", "Quyên", "Tâm", "Thảo", "Thanh", "Thu", "Thủy", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Yến"]
    static let streets = ["Đồng Khởi", "Phạm Văn Thuận", "Nguyễn Ái Quốc", "Bùi Văn Hòa", "Võ Thị Sáu", "Cách Mạng Tháng Tám", "Hà Huy Giáp",
                          "Lê Duẩn", "Trần Phú", "Nguyễn Văn Trỗi", "Hùng Vương", "Lý Thái Tổ", "30 Tháng 4", "Quốc lộ 1A", "Quốc lộ 51"]

    static let familyChoice = WeightedChoice(family.map(\.1))

    /// Drops diacritics the way a hurried typist does (for near-duplicates).
    static func withoutDiacritics(_ text: String) -> String {
        String(text.decomposedStringWithCanonicalMapping.unicodeScalars.filter { !(0x300...0x36F).contains($0.value) })
            .replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
    }
}

/// Vietnam's age structure (2019 census, five-year bands to 80+, shares in %).
enum AgePyramid {
    static let bands: [Double] = [7.9, 8.4, 7.4, 6.8, 6.9, 8.2, 8.3, 7.8, 7.3, 6.6, 6.0, 5.3, 4.3, 3.1, 1.8, 1.3, 2.0]
    static let choice = WeightedChoice(bands)

    static func age(_ rng: inout SimRandom) -> Int {
        let band = choice.pick(&rng)
        return band * 5 + rng.int(0...(band == bands.count - 1 ? 14 : 4))
    }
}
