Feature: Every field a student writes reaches the portal's view and SEVIS
  Each field of the profile and of an employer that a student may change shows in the
  portal with the value entered, and reaches SEVIS at once; a value that breaks a SEVIS
  rule changes nothing.

  @extended @rule-contact-change-reaches-sevis
  Scenario Outline: A contact field shows in the profile and reaches SEVIS
    Given a logged-in student on post-completion OPT
    When the student enters a new <field> in the profile
    Then the profile shows the new <field>
    And SEVIS holds the student's new <field>

    Examples:
      | field           |
      | phone number    |
      | address         |
      | mailing address |

  @core @faq-10 @rule-student-changes-visible-to-dso
  Scenario: Every field of a new employer shows in the portal and reaches SEVIS
    Given a logged-in student on post-completion OPT
    When the student adds the employer "Birch Analytics" with every field filled in
    Then the student sees the employer "Birch Analytics" as entered
    And SEVIS holds the employer "Birch Analytics" as entered

  @core @faq-10 @rule-student-changes-visible-to-dso
  Scenario Outline: Every employer field a student edits shows in the portal and reaches SEVIS
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    When the student enters a new <field> for the employer "Acme Robotics"
    Then the student sees the new <field> for the employer
    And SEVIS holds the new <field> for the employer

    Examples:
      | field                 |
      | employer name         |
      | address               |
      | start date            |
      | end date              |
      | job title             |
      | supervisor first name |
      | supervisor last name  |
      | supervisor email      |
      | supervisor phone      |

  @extended @rule-employer-validation
  Scenario: An employer edit that breaks a SEVIS rule changes nothing
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    When the student enters an address with a ZIP code of 4 digits for the employer "Acme Robotics"
    Then the portal refuses with "validation-failed"
    And the employer's address is unchanged in the portal and in SEVIS
